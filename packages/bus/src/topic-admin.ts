import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import { CareRelayError } from '@carerelay/errors';
import type { TopicDeclaration } from '@carerelay/events';
import {
  isRetriableKafkaError,
  kafkaClientConfig,
  toKafkaError,
  type KafkaConnection,
} from './kafka-connection.js';

export interface TopicAdminOptions {
  /** Replicas per partition of a topic this creates (default 1; 3 in production). */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of a topic this creates (default 1; 2 in production). */
  readonly minInsyncReplicas?: number;
  /**
   * How long retriable broker faults (a young or restarting broker: connection refused,
   * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_CONTROLLER, timeouts) are retried
   * before giving up with KAFKA_UNAVAILABLE. Default 120 s.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** 100 ms doubling to 2 s: quick on a broker that is nearly ready, gentle on one that is not. */
const backoff = (attempt: number): number => Math.min(2_000, 100 * 2 ** Math.min(attempt, 5));

function topicConfig(
  d: TopicDeclaration,
  replicationFactor: number,
  minInsyncReplicas: number,
): ITopicConfig {
  return {
    topic: d.name,
    numPartitions: d.partitions,
    replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(d.retentionMs) },
      // Never-expiring topics must not be trimmed by size either.
      ...(d.retentionMs === -1 ? [{ name: 'retention.bytes', value: '-1' }] : []),
      { name: 'cleanup.policy', value: d.cleanupPolicy },
      { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
    ],
  };
}

function checkReplication(replicationFactor: number, minInsyncReplicas: number): void {
  if (
    !Number.isInteger(replicationFactor) ||
    !Number.isInteger(minInsyncReplicas) ||
    replicationFactor < 1 ||
    minInsyncReplicas < 1 ||
    minInsyncReplicas > replicationFactor
  )
    throw new CareRelayError(
      'KAFKA_TOPIC_CONFIG_INVALID',
      `replication factor ${replicationFactor} and min.insync.replicas ${minInsyncReplicas}: both must be integers >= 1, min.insync.replicas <= replication factor`,
      { retryable: false, details: { replicationFactor, minInsyncReplicas } },
    );
}

/**
 * Creates the declared topics that do not exist yet; existing ones are left as they are
 * (idempotent, safe on every start, and safe when several services start at once). Returns
 * the declared names that were absent when it began. Waits until every declared partition
 * has a leader, so a produce right after it succeeds.
 *
 * Every service calls this at start, often right after the broker (re)started: retriable
 * broker faults are retried with backoff until `timeoutMs`, also when createTopics itself
 * throws one (then it lists again and creates what is still missing). Wrong credentials or
 * certificates fail at once with KAFKA_AUTH_FAILED / KAFKA_TLS_FAILED.
 *
 * `connection` may be a bare broker list (plaintext, no authentication: local tests only).
 */
export async function ensureTopics(
  connection: KafkaConnection | readonly string[],
  declarations: readonly TopicDeclaration[],
  options: TopicAdminOptions = {},
): Promise<string[]> {
  const { replicationFactor = 1, minInsyncReplicas = 1, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  checkReplication(replicationFactor, minInsyncReplicas);
  const resolved: KafkaConnection = isBrokerList(connection) ? { brokers: connection } : connection;
  const admin = new Kafka({
    ...kafkaClientConfig(resolved),
    clientId: 'carerelay-topic-admin',
    logLevel: logLevel.NOTHING,
    // Short inner retries: the loop below owns the time budget.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  }).admin();
  const deadline = Date.now() + timeoutMs;
  const retrying = async <T>(operation: string, op: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!isRetriableKafkaError(err) || Date.now() >= deadline) throw toKafkaError(err, operation);
        await sleep(backoff(attempt));
      }
    }
  };
  const listTopics = async (): Promise<Set<string>> =>
    new Set(await retrying('topic admin list topics', () => admin.listTopics()));

  try {
    await retrying('topic admin connect', () => admin.connect());
    const existing = await listTopics();
    const absent = declarations.filter((d) => !existing.has(d.name));
    let missing = absent;
    for (let attempt = 0; missing.length > 0; attempt++) {
      try {
        // Resolves false when every topic exists already (another service won the race).
        await admin.createTopics({
          waitForLeaders: false, // waited for below, with retries kafkajs does not make
          topics: missing.map((d) => topicConfig(d, replicationFactor, minInsyncReplicas)),
        });
        break;
      } catch (err) {
        if (!isRetriableKafkaError(err) || Date.now() >= deadline)
          throw toKafkaError(err, 'topic admin create topics');
        await sleep(backoff(attempt));
        // Some may have been created before the fault: create only what is still missing.
        const now = await listTopics();
        missing = missing.filter((d) => !now.has(d.name));
      }
    }
    await waitForLeaders(
      admin,
      declarations.map((d) => d.name),
      deadline,
    );
    return absent.map((d) => d.name);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const isBrokerList = (c: KafkaConnection | readonly string[]): c is readonly string[] => Array.isArray(c);

/**
 * createTopics' own wait covers the controller, not the broker's metadata cache: a produce
 * right after it can still get UNKNOWN_TOPIC_OR_PARTITION. Poll until every partition
 * reports a leader; retriable errors mean "not yet", others fail at once.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], deadline: number): Promise<void> {
  let lastFault: string;
  for (let attempt = 0; ; attempt++) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = topics.filter((name) => {
        const t = meta.find((m) => m.name === name);
        return !t || t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) return;
      lastFault = `no leader yet for ${leaderless.join(', ')}`;
    } catch (err) {
      if (!isRetriableKafkaError(err)) throw toKafkaError(err, 'topic admin fetch metadata');
      lastFault = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline)
      throw new CareRelayError('KAFKA_UNAVAILABLE', `Kafka topics have no leader in time: ${lastFault}`, {
        retryable: true,
        details: { operation: 'topic admin wait for leaders', topics: topics.length },
      });
    await sleep(Math.min(500, backoff(attempt)));
  }
}
