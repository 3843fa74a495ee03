import { Kafka, logLevel } from 'kafkajs';
import type { TopicDeclaration } from '@carerelay/events';

/**
 * Creates the declared topics that do not exist yet; existing ones are left as
 * they are (idempotent, safe on every start). Returns the names it created.
 */
export async function ensureTopics(
  brokers: readonly string[],
  declarations: readonly TopicDeclaration[],
  replicationFactor = 1,
): Promise<string[]> {
  const admin = new Kafka({
    clientId: 'carerelay-topic-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = declarations.filter((d) => !existing.has(d.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((d) => ({
          topic: d.name,
          numPartitions: d.partitions,
          replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(d.retentionMs) },
            // Never-expiring topics must not be trimmed by size either.
            ...(d.retentionMs === -1 ? [{ name: 'retention.bytes', value: '-1' }] : []),
            { name: 'cleanup.policy', value: d.cleanupPolicy },
          ],
        })),
      });
    }
    return missing.map((d) => d.name);
  } finally {
    await admin.disconnect();
  }
}
