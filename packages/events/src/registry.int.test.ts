import { describe, expect, inject, it } from 'vitest';
import { EVENT_TOPICS } from './generated/events.js';
import { RegistrySchemaStore } from './schema-stores.js';
import { AvroSerde } from './serde.js';
import { defineTopic, valueSubject } from './topic-contract.js';

const unique = (): string => `test.evolution.${process.pid}.${Date.now().toString(36)}`;
const base = {
  type: 'record',
  name: 'Session',
  namespace: 'health.carerelay.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'minutes', type: 'int' },
  ],
};

describe('schema registry (real Apicurio, BACKWARD compatibility)', () => {
  it('accepts every event contract in schemas/', async () => {
    const store = new RegistrySchemaStore(inject('schemaRegistryUrl'));
    for (const topic of Object.values(EVENT_TOPICS)) {
      const id = await store.registerSchema(valueSubject(topic.name), topic.schema);
      expect(id).toBeGreaterThan(0);
    }
  });

  it('seven services registering the same new schema at once all get its one id (five fresh subjects)', async () => {
    const url = inject('schemaRegistryUrl');
    // A race: each subject is one chance for the registry to answer a loser with a conflict.
    for (let round = 0; round < 5; round++) {
      const subject = valueSubject(`${unique()}.${round}`);
      const ids = await Promise.all(
        Array.from({ length: 7 }, () => new RegistrySchemaStore(url).registerSchema(subject, base)),
      );
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toBeGreaterThan(0);
    }
  });

  it('rejects an incompatible change: a new field without a default', async () => {
    const store = new RegistrySchemaStore(inject('schemaRegistryUrl'));
    const subject = valueSubject(unique());
    await store.registerSchema(subject, base);
    const incompatible = { ...base, fields: [...base.fields, { name: 'location', type: 'string' }] };
    await expect(store.registerSchema(subject, incompatible)).rejects.toMatchObject({
      code: 'SCHEMA_INCOMPATIBLE',
      retryable: false,
    });
  });

  it('rejects an incompatible change: a field changes type', async () => {
    const store = new RegistrySchemaStore(inject('schemaRegistryUrl'));
    const subject = valueSubject(unique());
    await store.registerSchema(subject, base);
    const retyped = { ...base, fields: [base.fields[0], { name: 'minutes', type: 'string' }] };
    await expect(store.registerSchema(subject, retyped)).rejects.toMatchObject({
      code: 'SCHEMA_INCOMPATIBLE',
    });
  });

  it('accepts a compatible evolution, and the new reader decodes old data with defaults', async () => {
    const url = inject('schemaRegistryUrl');
    const name = unique();
    const v2 = { ...base, fields: [...base.fields, { name: 'telehealth', type: 'boolean', default: false }] };
    const writerV1 = new AvroSerde(new RegistrySchemaStore(url));
    const writerV2 = new AvroSerde(new RegistrySchemaStore(url));
    const oldBytes = await writerV1.encode(defineTopic<{ id: string; minutes: number }>(name, base), {
      id: 's1',
      minutes: 53,
    });
    const v2Topic = defineTopic<{ id: string; minutes: number; telehealth: boolean }>(name, v2);
    const idV2 = await writerV2.register(v2Topic);
    expect(idV2).not.toBe(oldBytes.readUInt32BE(1));
    const reader = new AvroSerde(new RegistrySchemaStore(url));
    expect(await reader.decode(v2Topic, oldBytes)).toEqual({ id: 's1', minutes: 53, telehealth: false });
  });
});
