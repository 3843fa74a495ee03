import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
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
});
