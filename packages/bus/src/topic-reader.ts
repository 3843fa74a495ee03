import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { CareRelayError } from '@carerelay/errors';
import type { RawRecord } from './bus.js';
import { toHeaders } from './kafka-bus.js';
import { kafkaClientConfig, toKafkaError, type KafkaConnection } from './kafka-connection.js';

/**
 * Reads a topic from its beginning up to its end as of the call (tooling: DLQ inspection
 * and replay). Commits nothing: a throwaway group, deleted afterwards.
 */
export async function readTopic(
  connection: KafkaConnection,
  topic: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<RawRecord[]> {
  const kafka = new Kafka({
    ...kafkaClientConfig(connection),
    clientId: 'carerelay-topic-reader',
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (cause) {
    throw toKafkaError(cause, 'connect');
  }
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new CareRelayError('TOPIC_NOT_FOUND', `topic ${topic} does not exist`);
    }
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)] as const),
    );
    const starts = new Map(
      (await admin.fetchTopicOffsetsByTimestamp(topic, 0)).map(
        (p) => [p.partition, BigInt(p.offset)] as const,
      ),
    );
    const waiting = new Set([...ends].filter(([p, high]) => high > (starts.get(p) ?? 0n)).map(([p]) => p));
    const records: RawRecord[] = [];
    if (waiting.size === 0) return records;
    const groupId = `carerelay-reader-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new CareRelayError('TOPIC_READ_TIMEOUT', `reading ${topic} timed out`, { retryable: true }),
            ),
          options.timeoutMs ?? 30_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const offset = BigInt(message.offset);
              const high = ends.get(partition) ?? 0n;
              if (offset < high) {
                records.push({
                  topic,
                  partition,
                  offset: message.offset,
                  key: message.key ? message.key.toString('utf8') : null,
                  value: message.value,
                  headers: toHeaders(message.headers),
                });
              }
              if (offset + 1n >= high) waiting.delete(partition);
              if (waiting.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.disconnect();
  }
}
