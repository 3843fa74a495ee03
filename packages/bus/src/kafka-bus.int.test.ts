import { CareRelayError } from '@carerelay/errors';
import { AvroSerde, RegistrySchemaStore, dlqTopicName } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Subscription } from './bus.js';
import { busContract } from './bus.contract.js';
import { KafkaBus } from './kafka-bus.js';
import { collectRaw, eventually, probeTopic, uniqueName } from './testing.js';
import { ensureTopics } from './topic-admin.js';

busContract('kafka', async () => {
  const brokers = inject('kafkaBrokers').split(',');
  const bus = KafkaBus.fromConfig({
    brokers,
    clientId: 'bus-contract',
    serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  await bus.start();
  return {
    bus,
    createTopics: async (names, partitions) => {
      await ensureTopics(
        brokers,
        names.map((name) => ({ name, partitions, retentionMs: 3_600_000, cleanupPolicy: 'delete' as const })),
      );
    },
    close: () => bus.shutdown(),
  };
});

describe('Kafka group membership outlives slow work', () => {
  // The broker's minimum session: a member silent for 6 s loses its partitions.
  const SESSION_MS = 6_000;
  const brokers = (): string[] => inject('kafkaBrokers').split(',');
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ bus: KafkaBus; topic: ReturnType<typeof probeTopic>; dlq: unknown[] }> {
    const bus = KafkaBus.fromConfig({
      brokers: brokers(),
      clientId: 'bus-membership',
      serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
      logger: createLogger({ service: 'test', level: 'silent' }),
      sessionTimeoutMs: SESSION_MS,
    });
    await bus.start();
    const topic = probeTopic();
    await ensureTopics(
      brokers(),
      [topic.name, dlqTopicName(topic.name)].map((name) => ({
        name,
        partitions: 1,
        retentionMs: 3_600_000,
        cleanupPolicy: 'delete' as const,
      })),
    );
    const dlq = await collectRaw(bus, dlqTopicName(topic.name));
    cleanups.push(async () => {
      await dlq.subscription.stop();
      await bus.shutdown();
    });
    return { bus, topic, dlq: dlq.records };
  }

  it('a handler running longer than the session completes once: no rebalance, no redelivery, no DLQ', async () => {
    const { bus, topic, dlq } = await setup();
    const calls: string[] = [];
    const subscription: Subscription = await bus.subscribe({
      topic,
      groupId: uniqueName('slow'),
      handler: async (d) => {
        calls.push(d.value.id);
        // A slow model call: half again the session timeout.
        if (d.value.id === 'slow') await new Promise((r) => setTimeout(r, SESSION_MS * 1.5));
      },
    });
    cleanups.push(() => subscription.stop());
    await eventually(() => bus.health().ready, 'the group to join');
    await bus.publish(topic, { key: 'k', value: { id: 'slow', seq: 0, payload: '' } });
    await eventually(() => calls.includes('slow'), 'the slow handler to start');
    await bus.publish(topic, { key: 'k', value: { id: 'sentinel', seq: 1, payload: '' } });
    // Same partition: the sentinel is handled after the slow record and any redelivery of it.
    await eventually(
      () => calls.includes('sentinel') || calls.filter((id) => id === 'slow').length > 1,
      'the sentinel, or the slow record again',
      45_000,
    );
    expect(calls).toEqual(['slow', 'sentinel']);
    expect(dlq).toHaveLength(0);
  }, 60_000);

  it('a record waiting longer than the session for its retry keeps its retry count: the group stays', async () => {
    const { bus, topic, dlq } = await setup();
    const seen: string[] = [];
    const subscription = await bus.subscribe({
      topic,
      groupId: uniqueName('wait'),
      // Equal jitter: the wait is 7.5 to 15 s, always longer than the session.
      retry: {
        maxAttempts: 5,
        maxElapsedMs: 60_000,
        initialDelayMs: SESSION_MS * 2.5,
        maxDelayMs: SESSION_MS * 2.5,
      },
      handler: async (d) => {
        seen.push(`${d.value.id}#${d.attempt}`);
        if (d.value.id === 'retried' && d.attempt === 1)
          throw new CareRelayError('TEST_OUTAGE', 'dependency down', { retryable: true });
      },
    });
    cleanups.push(() => subscription.stop());
    await eventually(() => bus.health().ready, 'the group to join');
    await bus.publish(topic, { key: 'k', value: { id: 'retried', seq: 0, payload: '' } });
    await eventually(() => seen.length >= 2, 'the second attempt', 45_000);
    await bus.publish(topic, { key: 'k', value: { id: 'sentinel', seq: 1, payload: '' } });
    await eventually(() => seen.length >= 3, 'the sentinel, or the record again', 30_000);
    // A lost membership would redeliver the record as a first attempt again.
    expect(seen).toEqual(['retried#1', 'retried#2', 'sentinel#1']);
    expect(dlq).toHaveLength(0);
  }, 60_000);
});
