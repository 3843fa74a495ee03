import { Writable } from 'node:stream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DLQ_HEADERS, KafkaBus, ensureTopics, type Subscription } from '@carerelay/bus';
import { collectRaw, eventually, probeTopic, uniqueName } from '@carerelay/bus/testing';
import { CareRelayError } from '@carerelay/errors';
import {
  AvroSerde,
  RegistrySchemaStore,
  auditEventTopic,
  dlqTopicName,
  type AuditEvent,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { REPLAYED_FROM_HEADER, runDlq } from './dlq.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

async function dlq(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await runDlq(argv, {
    env: {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      CARERELAY_OPERATOR: 'ops-on-call',
    },
    stdout: out.stream,
    stderr: err.stream,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('carerelay dlq on real Kafka', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('lists without the payload, replays a fixed dead letter once (audited), and never twice', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
    const bus = KafkaBus.fromConfig({
      brokers,
      clientId: 'dlq-cli-test',
      serde,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await bus.start();
    cleanups.push(() => bus.shutdown());
    const topic = probeTopic();
    await ensureTopics(
      brokers,
      [topic.name, dlqTopicName(topic.name)].map((name) => ({
        name,
        partitions: 1,
        retentionMs: 3_600_000,
        cleanupPolicy: 'delete' as const,
      })),
    );
    const tenant = uniqueName('tenant');
    const audits = await collectRaw(bus, auditEventTopic.name, { fromBeginning: false });
    const letters = await collectRaw(bus, dlqTopicName(topic.name));
    let broken = true;
    const handled: { id: string; replayedFrom?: string }[] = [];
    const subscription: Subscription = await bus.subscribe({
      topic,
      groupId: uniqueName('g'),
      handler: async (d) => {
        if (broken && d.value.id === 'needs-fix')
          throw new CareRelayError('TEST_BUG', 'handler cannot take this record yet');
        handled.push({
          id: d.value.id,
          ...(d.headers[REPLAYED_FROM_HEADER] ? { replayedFrom: d.headers[REPLAYED_FROM_HEADER] } : {}),
        });
      },
    });
    cleanups.push(async () => {
      await subscription.stop();
      await Promise.all([audits, letters].map((c) => c.subscription.stop()));
    });
    await eventually(() => bus.health().ready, 'consumers to join');
    // A payload with a name in it: it must never be printed.
    await bus.publish(topic, {
      key: `${tenant}:client-7`,
      value: { id: 'needs-fix', seq: 0, payload: 'Jane Roe, DOB 1980-02-03' },
    });
    await eventually(() => letters.records.length === 1, 'the record dead-lettered');

    const listed = await dlq(['list', '--topic', topic.name, '--error-code', 'TEST_BUG']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('0:0');
    expect(listed.stdout).toContain('TEST_BUG');
    expect(listed.stdout).toContain(`key=${tenant}:client-7`);
    const shown = await dlq(['show', '--topic', topic.name]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout.trim())).toMatchObject({
      dlqOffset: '0',
      replayed: false,
      headers: { [DLQ_HEADERS.errorMessage]: 'handler cannot take this record yet' },
    });
    for (const output of [listed.stdout, listed.stderr, shown.stdout, shown.stderr]) {
      expect(output).not.toContain('Jane');
      expect(output).not.toContain('1980');
    }
    const otherCode = await dlq(['list', '--topic', topic.name, '--error-code', 'NOT_THIS']);
    expect(otherCode.stdout).toBe('');

    broken = false; // the fix is deployed
    const first = await dlq(['replay', '--topic', topic.name]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stderr).toContain('1 replayed, 0 already replayed');
    await eventually(() => handled.some((h) => h.id === 'needs-fix'), 'the replayed record handled');
    expect(handled).toEqual([{ id: 'needs-fix', replayedFrom: `${dlqTopicName(topic.name)}:0:0` }]);

    const second = await dlq(['replay', '--topic', topic.name]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('0 replayed, 1 already replayed');
    await bus.publish(topic, { key: `${tenant}:client-7`, value: { id: 'sentinel', seq: 1, payload: '' } });
    await eventually(() => handled.some((h) => h.id === 'sentinel'), 'the sentinel after the second replay');
    expect(handled.map((h) => h.id)).toEqual(['needs-fix', 'sentinel']);

    const ours = async (): Promise<AuditEvent[]> =>
      (await Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (e) => e.tenantId === tenant,
      );
    await eventually(async () => (await ours()).length >= 1, 'the replay audited');
    const events = await ours();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'DEAD_LETTER_REPLAYED',
      outcome: 'SUCCESS',
      clientId: 'client-7',
      reasonCode: 'TEST_BUG',
      actor: { service: 'carerelay-cli', userId: 'ops-on-call' },
    });
  }, 90_000);

  it('refuses bad usage with exit code 2 and a clear message', async () => {
    const cases: [string[], string][] = [
      [['purge', '--topic', 'x'], "unknown dlq command 'purge'"],
      [['list'], '--topic TOPIC is required'],
      [
        ['list', '--topic', 'ai.task.v1', '--since', 'yesterday'],
        "--since 'yesterday' is not an ISO-8601 time",
      ],
      [['list', '--topic', 'ai.task.v1.dlq'], '--topic is the original topic: use ai.task.v1'],
    ];
    for (const [argv, message] of cases) {
      const result = await dlq(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
