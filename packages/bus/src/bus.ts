import type { TopicContract } from '@carerelay/events';

export type Headers = Readonly<Record<string, string>>;

export interface OutgoingMessage<T> {
  /** Partition key: `tenantId:clientId` (ARCHITECTURE.md rule 5) so one client's events stay ordered. */
  readonly key: string;
  readonly value: T;
  readonly headers?: Headers;
}

/** What a handler receives: the decoded value and where it came from. */
export interface Delivery<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: T;
  readonly headers: Headers;
  /** 1 on first delivery to this consumer, incremented on each in-process retry. */
  readonly attempt: number;
}

/** A record as stored on the bus, undecoded (dead-letter topics hold these). */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

export type Handler<T> = (delivery: Delivery<T>) => Promise<void>;

/**
 * How long a retryable failure is retried before the record is dead-lettered: until both
 * budgets are spent, so a fast-failing record gets its attempts and an outage its minutes.
 * A non-retryable failure is dead-lettered at once whatever the budget.
 */
export interface RetryPolicy {
  /** Attempts made at least, including the first, however fast they fail. */
  readonly maxAttempts: number;
  /**
   * How long after its first failure a record is retried at least (absent or 0: attempts
   * only; subscriptions that leave it out get DEFAULT_RETRY's).
   */
  readonly maxElapsedMs?: number;
  readonly initialDelayMs: number;
  /** Cap of one backoff. While a record waits, its partition is paused (others go on). */
  readonly maxDelayMs: number;
}

export interface DeadLetter {
  readonly record: RawRecord;
  /** The decoded value, when the bytes decoded (undefined for poison bytes). */
  readonly value: unknown;
  readonly groupId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
}

export interface SubscribeOptions<T> {
  readonly topic: TopicContract<T>;
  readonly groupId: string;
  readonly handler: Handler<T>;
  /** Partitions processed in parallel by this instance (order is kept within a partition). */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Where a group with no committed offset starts. Default: earliest, so nothing published before the first start is lost. */
  readonly fromBeginning?: boolean;
  /** Called after a record went to the DLQ (e.g. to emit an audit event). Failures here are logged, not retried. */
  readonly onDeadLetter?: (letter: DeadLetter) => Promise<void>;
}

/** Receives up to `maxBatchSize` decoded records of one partition, in offset order. */
export type BatchHandler<T> = (batch: readonly Delivery<T>[]) => Promise<void>;

/**
 * A subscription that hands records over in batches (e.g. one database transaction per
 * batch). Offsets are committed only after the handler succeeded for the whole batch.
 * Undecodable records go to the DLQ one by one and never reach the handler. A batch the
 * handler keeps failing (after the retry policy, or at once on a non-retryable error) is
 * split: its records are handled one by one as singleton batches, and only those that
 * still fail are dead-lettered with their cause, so one poison record neither blocks
 * nor loses the others.
 */
export interface BatchSubscribeOptions<T> {
  readonly topic: TopicContract<T>;
  readonly groupId: string;
  readonly handler: BatchHandler<T>;
  /** Most records per handler call (default 500). */
  readonly maxBatchSize?: number;
  /** Partitions processed in parallel by this instance (order is kept within a partition). */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Where a group with no committed offset starts. Default: earliest. */
  readonly fromBeginning?: boolean;
  /** Called after a record went to the DLQ. Failures here are logged, not retried. */
  readonly onDeadLetter?: (letter: DeadLetter) => Promise<void>;
}

export interface RawSubscribeOptions {
  readonly topic: string;
  readonly groupId: string;
  readonly handler: (record: RawRecord) => Promise<void>;
  readonly fromBeginning?: boolean;
}

export interface Subscription {
  /** Finishes the record in flight, commits, and leaves the group. */
  stop(): Promise<void>;
}

export interface BusHealth {
  /** Process is alive and not wedged. */
  readonly healthy: boolean;
  /** Connected, and every subscription has joined its group. */
  readonly ready: boolean;
  readonly details: Readonly<Record<string, string>>;
}

/**
 * The one messaging interface services use. Two implementations share one
 * contract test suite: Kafka (distributed) and embedded (single process).
 * Delivery is at-least-once: offsets are committed only after the handler
 * succeeded or the record was dead-lettered, so handlers must be idempotent.
 */
export interface Bus {
  start(): Promise<void>;
  publish<T>(topic: TopicContract<T>, message: OutgoingMessage<T>): Promise<void>;
  /** Publishes bytes as they are (tooling, replays from a DLQ, and poison-message tests). */
  publishRaw(
    topic: string,
    message: { key: string | null; value: Buffer | null; headers?: Headers },
  ): Promise<void>;
  subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription>;
  subscribeBatch<T>(options: BatchSubscribeOptions<T>): Promise<Subscription>;
  subscribeRaw(options: RawSubscribeOptions): Promise<Subscription>;
  health(): BusHealth;
  /** Stops every subscription (finishing in-flight work and committing), flushes the producer. */
  shutdown(): Promise<void>;
}

/** Receives one call per consumed record, for metrics. */
export interface BusObserver {
  recordProcessed(
    topic: string,
    groupId: string,
    outcome: 'handled' | 'dead-lettered' | 'aborted',
    durationMs: number,
  ): void;
}

export const DLQ_HEADERS = {
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  groupId: 'x-dlq-consumer-group',
  errorCode: 'x-dlq-error-code',
  errorMessage: 'x-dlq-error-message',
  attempts: 'x-dlq-attempts',
  failedAt: 'x-dlq-failed-at',
  /** The task the record was for, when its value names one: a replay is audited with it. */
  taskId: 'x-dlq-task-id',
} as const;
