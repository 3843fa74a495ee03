import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { isCareRelayError } from '@carerelay/errors';
import { TOPIC_DECLARATIONS } from '@carerelay/events';
import { ensureTopics } from './topic-admin.js';
import { uniqueName } from './testing.js';

describe('topic declarations', () => {
  it('creates missing topics once and leaves existing ones alone', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const name = uniqueName('test.topics');
    const decl = [{ name, partitions: 4, retentionMs: 60_000, cleanupPolicy: 'delete' as const }];
    expect(await ensureTopics(brokers, decl)).toEqual([name]);
    expect(await ensureTopics(brokers, decl)).toEqual([]);
  });

  it('declares every event topic and its DLQ on the broker, and the audit topic never expires', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    await ensureTopics(brokers, TOPIC_DECLARATIONS); // already run by the global setup: idempotent
    const admin = new Kafka({ clientId: 'topic-test', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      expect(TOPIC_DECLARATIONS.map((d) => d.name).filter((n) => !existing.has(n))).toEqual([]);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['ai.task.v1'] });
      expect(topics[0]?.partitions).toHaveLength(6);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: ['audit.event.v1', 'audit.event.v1.dlq', 'ai.task.v1'].map((name) => ({ type: 2, name })),
      });
      const value = (topic: string, key: string): string | undefined =>
        configs.resources
          .find((r) => r.resourceName === topic)
          ?.configEntries.find((e) => e.configName === key)?.configValue;
      expect(value('audit.event.v1', 'retention.ms')).toBe('-1');
      expect(value('audit.event.v1', 'retention.bytes')).toBe('-1');
      expect(value('audit.event.v1.dlq', 'retention.ms')).toBe('-1');
      expect(value('ai.task.v1', 'retention.ms')).toBe(String(24 * 60 * 60 * 1000));
    } finally {
      await admin.disconnect();
    }
  });

  it('sets min.insync.replicas on the topics it creates, as a topic-level config', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const name = uniqueName('test.topics.isr');
    const decl = [{ name, partitions: 1, retentionMs: 60_000, cleanupPolicy: 'delete' as const }];
    await ensureTopics(brokers, decl, { replicationFactor: 1, minInsyncReplicas: 1 });
    const admin = new Kafka({ clientId: 'topic-test', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name, configNames: ['min.insync.replicas'] }],
      });
      const entry = resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
      // configSource 1 = DYNAMIC_TOPIC_CONFIG: set on the topic, not inherited from the broker default.
      expect({ value: entry?.configValue, source: entry?.configSource }).toEqual({ value: '1', source: 1 });
    } finally {
      await admin.disconnect();
    }
  });

  it('a replication factor the cluster cannot meet fails at once, naming it (a one-broker cluster, factor 3)', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const decl = [
      {
        name: uniqueName('test.topics.rf3'),
        partitions: 1,
        retentionMs: 60_000,
        cleanupPolicy: 'delete' as const,
      },
    ];
    const began = Date.now();
    const error = await ensureTopics(brokers, decl, { replicationFactor: 3, minInsyncReplicas: 2 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isCareRelayError(error) && error.code).toBe('KAFKA_REQUEST_FAILED');
    expect(String(error)).toMatch(/INVALID_REPLICATION_FACTOR/);
    expect(Date.now() - began).toBeLessThan(15_000);
  });
});
