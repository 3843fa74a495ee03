import { Kafka, logLevel, type Admin } from 'kafkajs';
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
    await waitForLeaders(
      admin,
      declarations.map((d) => d.name),
    );
    return missing.map((d) => d.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * createTopics' own wait covers the controller, not the broker's metadata cache:
 * a produce right after it can still get UNKNOWN_TOPIC_OR_PARTITION. Poll until
 * every partition reports a leader.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        meta.length === topics.length &&
        meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      ) {
        return;
      }
    } catch {
      // not visible yet
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
