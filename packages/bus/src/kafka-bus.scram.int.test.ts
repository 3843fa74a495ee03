import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isCareRelayError } from '@carerelay/errors';
import { AvroSerde, RegistrySchemaStore } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { startKafka } from '@carerelay/infra-local';
import type { Delivery } from './bus.js';
import type { KafkaConnection } from './kafka-connection.js';
import { KafkaBus } from './kafka-bus.js';
import { eventually, probeTopic, uniqueName, type Probe } from './testing.js';
import { ensureTopics } from './topic-admin.js';

// Finding 6 (issue #12): every Kafka client, the topic admin included, authenticates with
// SASL/SCRAM-SHA-512. The broker is started here with a SCRAM listener (infra/local opt-in);
// its plaintext listener is for the broker itself and never used below.
const USER = 'carerelay-svc';
const PASSWORD = 'Scram-Test-Pa55-7f3c';

let kafka: Awaited<ReturnType<typeof startKafka>>;
let scramBrokers: string[];
const logger = createLogger({ service: 'test', level: 'silent' });

const connection = (password: string): KafkaConnection => ({
  brokers: scramBrokers,
  sasl: { mechanism: 'scram-sha-512', username: USER, password },
});

const busWith = (password: string): KafkaBus =>
  KafkaBus.fromConfig({
    ...connection(password),
    clientId: uniqueName('scram-bus'),
    serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
    logger,
  });

/** The error `promise` rejects with, and how long it took. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const began = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - began };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  kafka = await startKafka({ scram: { users: [{ name: USER, password: PASSWORD }] } });
  scramBrokers = [kafka.saslBrokers!];
}, 120_000);

afterAll(async () => {
  await kafka?.stop();
});

describe('Kafka with SASL/SCRAM-SHA-512', () => {
  it('the SCRAM listener refuses a client without credentials', async () => {
    const admin = new Kafka({
      clientId: 'no-credentials',
      brokers: scramBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    }).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();
  });

  it('with the right credentials the topic admin creates topics, and a bus produces and consumes', async () => {
    const topic = probeTopic(uniqueName('test.scram'));
    const declaration = {
      name: topic.name,
      partitions: 2,
      retentionMs: 3_600_000,
      cleanupPolicy: 'delete' as const,
    };
    expect(await ensureTopics(connection(PASSWORD), [declaration])).toEqual([topic.name]);

    const bus = busWith(PASSWORD);
    await bus.start();
    try {
      const received: Delivery<Probe>[] = [];
      await bus.subscribe({
        topic,
        groupId: uniqueName('scram-group'),
        fromBeginning: true,
        handler: async (d) => {
          received.push(d);
        },
      });
      const sent = ['a', 'b', 'c'].map((id, seq) => ({ id, seq, payload: `over SCRAM ${id}` }));
      for (const value of sent) await bus.publish(topic, { key: 't1:c1', value });
      await eventually(() => received.length >= sent.length, 'three deliveries over SCRAM');
      expect(received.map((d) => d.value)).toEqual(sent);
    } finally {
      await bus.shutdown();
    }
  });

  it('a wrong password fails fast with KAFKA_AUTH_FAILED, in the topic admin and in the bus, never echoing it', async () => {
    const wrong = 'not-the-password-41';
    const admin = await rejection(
      ensureTopics(connection(wrong), [
        {
          name: uniqueName('test.scram.denied'),
          partitions: 1,
          retentionMs: 60_000,
          cleanupPolicy: 'delete',
        },
      ]),
    );
    const bus = busWith(wrong);
    const producer = await rejection(bus.start());
    await bus.shutdown().catch(() => undefined);

    for (const { error, ms } of [admin, producer]) {
      expect(isCareRelayError(error) && error.code).toBe('KAFKA_AUTH_FAILED');
      expect(isCareRelayError(error) && error.retryable).toBe(false);
      expect(String(error)).not.toContain(wrong);
      // Not retried as if the broker were down (the topic admin would retry those for 120 s).
      expect(ms).toBeLessThan(15_000);
    }
  });
});
