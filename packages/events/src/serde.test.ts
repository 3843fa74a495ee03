import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TOPICS, type AuditEvent, auditEventTopic } from './generated/events.js';
import { InMemorySchemaStore } from './schema-stores.js';
import { AvroSerde } from './serde.js';
import { defineTopic } from './topic-contract.js';

const schemaDir = join(import.meta.dirname, '..', '..', '..', 'schemas');

const audit: AuditEvent = {
  eventId: 'e-1',
  occurredAt: 1_700_000_000_000,
  tenantId: 'tenant-a',
  action: 'LLM_CALL',
  outcome: 'SUCCESS',
  actor: { service: 'llm-worker', userId: null, role: null },
  clientId: 'pt-1',
  purposeOfUse: 'TREATMENT',
  taskId: 't-1',
  correlationId: null,
  recipient: 'azure-openai/gpt-4o',
  description: null,
  reasonCode: null,
  part2: false,
  model: 'gpt-4o-2024-08-06',
  templateVersion: 'soap_note@1.0.0',
  useCase: 'soap_note',
  ehrOccurredAt: 1_699_999_000_000,
  counts: { promptTokens: 812 },
  hashes: { prompt: 'ab'.repeat(32) },
};

const v1 = {
  type: 'record',
  name: 'Evolving',
  namespace: 'health.carerelay.test',
  fields: [{ name: 'id', type: 'string' }],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'channel', type: 'string', default: 'web' }] };

describe('AvroSerde', () => {
  it('round-trips an event in Confluent wire format (magic 0 + schema id)', async () => {
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bytes = await serde.encode(auditEventTopic, audit);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(await serde.register(auditEventTopic));
    expect(await serde.decode(auditEventTopic, bytes)).toEqual(audit);
  });

  it('refuses to encode a value that breaks the schema, naming the topic', async () => {
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bad = { ...audit, action: 'NOT_AN_ACTION' } as unknown as AuditEvent;
    await expect(serde.encode(auditEventTopic, bad)).rejects.toMatchObject({ code: 'SERDE_ENCODE_FAILED' });
  });

  it('rejects bytes that are not in wire format and truncated bodies, as non-retryable', async () => {
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bytes = await serde.encode(auditEventTopic, audit);
    await expect(serde.decode(auditEventTopic, Buffer.from('{"json":true}'))).rejects.toMatchObject({
      code: 'SERDE_BAD_FRAME',
      retryable: false,
    });
    await expect(serde.decode(auditEventTopic, bytes.subarray(0, 20))).rejects.toMatchObject({
      code: 'SERDE_DECODE_FAILED',
      retryable: false,
    });
  });

  it('reads data written with an older schema, filling new fields from their defaults', async () => {
    const store = new InMemorySchemaStore();
    const oldWriter = new AvroSerde(store);
    const newReader = new AvroSerde(store);
    const bytes = await oldWriter.encode(defineTopic<{ id: string }>('evolving', v1), { id: 'a' });
    const read = await newReader.decode(defineTopic<{ id: string; channel: string }>('evolving', v2), bytes);
    expect(read).toEqual({ id: 'a', channel: 'web' });
  });
});

describe('generated contracts', () => {
  it('match schemas/*.avsc exactly (types are generated, never drift)', () => {
    const files = readdirSync(schemaDir).filter((f) => f.endsWith('.avsc'));
    expect(files.map((f) => f.replace('.avsc', '')).sort()).toEqual(Object.keys(EVENT_TOPICS).sort());
    for (const file of files) {
      const onDisk: unknown = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
      expect(EVENT_TOPICS[file.replace('.avsc', '') as keyof typeof EVENT_TOPICS].schema).toEqual(onDisk);
    }
  });

  it('document every field of every topic', () => {
    for (const topic of Object.values(EVENT_TOPICS)) {
      const fields = (topic.schema as { fields: { name: string; doc?: string }[] }).fields;
      expect(fields.filter((f) => !f.doc).map((f) => `${topic.name}.${f.name}`)).toEqual([]);
    }
  });
});
