import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import { dlqTopicName, type Serde, type TopicContract } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import {
  DLQ_HEADERS,
  type DeadLetter,
  type Handler,
  type Headers,
  type RawRecord,
  type RetryPolicy,
} from './bus.js';

/**
 * Retryable failures are retried for five minutes (a broker failover, a Redis restart, a
 * model endpoint's brown-out), backing off up to 30 s; services set their budget with
 * BUS_RETRY_MAX_ELAPSED_MS.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 5 * 60_000,
  initialDelayMs: 200,
  maxDelayMs: 30_000,
};

/** Exponential backoff with equal jitter: half fixed, half random, capped. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Whether a retryable failure is retried: while either budget (attempts, time) remains. */
export function mayRetry(policy: RetryPolicy, attempts: number, elapsedMs: number): boolean {
  return attempts < policy.maxAttempts || elapsedMs < (policy.maxElapsedMs ?? 0);
}

export type Outcome = 'handled' | 'dead-lettered' | 'aborted';

/** Where a record stands in its retries, kept by the bus between two attempts. */
export interface RetryState {
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the first attempt failed (epoch ms): the time budget counts from here. */
  readonly firstFailedAt: number;
}

/** One attempt's result: settled (its offset is committable), or to be retried after a wait. */
export type Step =
  | { readonly kind: 'settled'; readonly outcome: 'handled' | 'dead-lettered' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly state: RetryState };

export interface ProcessDeps<T> {
  readonly topic: TopicContract<T>;
  readonly groupId: string;
  readonly serde: Serde;
  readonly handler: Handler<T>;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly publishDeadLetter: (
    topic: string,
    record: { key: string | null; value: Buffer | null; headers: Headers },
  ) => Promise<void>;
  readonly onDeadLetter?: (letter: DeadLetter) => Promise<void>;
  /** True once the consumer is stopping: a record waiting to be retried is left uncommitted for redelivery. */
  readonly stopping: () => boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * What a subscription of either bus hands the shared runtime: its options resolved against
 * the bus's (default retry policy, a logger naming topic and group, dead letters published raw).
 */
export function subscriptionDeps<T, H>(
  options: {
    readonly topic: TopicContract<T>;
    readonly groupId: string;
    readonly handler: H;
    readonly retry?: Partial<RetryPolicy>;
    readonly onDeadLetter?: (letter: DeadLetter) => Promise<void>;
  },
  bus: {
    readonly serde: Serde;
    readonly logger: Logger;
    readonly publishDeadLetter: ProcessDeps<T>['publishDeadLetter'];
  },
): Omit<ProcessDeps<T>, 'handler' | 'stopping' | 'sleep' | 'now'> & { readonly handler: H } {
  return {
    topic: options.topic,
    groupId: options.groupId,
    serde: bus.serde,
    handler: options.handler,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logger: bus.logger.child({ component: 'consumer', topic: options.topic.name, groupId: options.groupId }),
    publishDeadLetter: bus.publishDeadLetter,
    onDeadLetter: options.onDeadLetter,
  };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_ERROR_MESSAGE = 500;

/**
 * One attempt at a record, with the semantics both bus implementations share: decode, run
 * the handler; a retryable failure asks for a retry while the policy's budget remains
 * (the bus pauses the partition for the delay, then redelivers the record with the returned
 * state), anything else is dead-lettered with its cause. A retryable decode failure
 * (registry unreachable) is retried like a handler failure: it is not the record's fault.
 */
export async function attemptRecord<T>(
  record: RawRecord,
  deps: Omit<ProcessDeps<T>, 'stopping' | 'sleep'>,
  previous?: RetryState,
): Promise<Step> {
  const attempt = (previous?.attempts ?? 0) + 1;
  let decoded: { value: T } | undefined;
  try {
    if (record.value === null) {
      throw new CareRelayError('SERDE_EMPTY_VALUE', 'record has no value', { retryable: false });
    }
    decoded = { value: await deps.serde.decode(deps.topic, record.value) };
    await deps.handler({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key ?? '',
      value: decoded.value,
      headers: record.headers,
      attempt,
    });
    return { kind: 'settled', outcome: 'handled' };
  } catch (err) {
    const error = toCareRelayError(err, decoded ? 'HANDLER_FAILED' : 'SERDE_DECODE_FAILED');
    const now = (deps.now ?? Date.now)();
    const firstFailedAt = previous?.firstFailedAt ?? now;
    if (!error.retryable || !mayRetry(deps.retry, attempt, now - firstFailedAt)) {
      await deadLetter(record, deps, error.code, error.message, attempt, decoded?.value);
      return { kind: 'settled', outcome: 'dead-lettered' };
    }
    const delayMs = backoffDelay(attempt, deps.retry);
    deps.logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        errorCode: error.code,
        attempt,
        delay: delayMs,
        failingForMs: now - firstFailedAt,
      },
      'record failed, will retry',
    );
    return { kind: 'retry', delayMs, state: { attempts: attempt, firstFailedAt } };
  }
}

/**
 * Runs `attemptRecord` until the record is settled, waiting in place between attempts
 * (for callers without a partition to pause). Returns 'aborted' when stopping interrupted
 * a retry: the caller must not commit, so the record is redelivered.
 */
export async function processRecord<T>(record: RawRecord, deps: ProcessDeps<T>): Promise<Outcome> {
  let state: RetryState | undefined;
  for (;;) {
    const step = await attemptRecord(record, deps, state);
    if (step.kind === 'settled') return step.outcome;
    state = step.state;
    await (deps.sleep ?? defaultSleep)(step.delayMs);
    if (deps.stopping()) return 'aborted';
  }
}

/** Publishes a record to its topic's DLQ with the cause in headers, then calls the hook. */
export async function deadLetter(
  record: RawRecord,
  deps: Pick<ProcessDeps<unknown>, 'groupId' | 'logger' | 'publishDeadLetter' | 'onDeadLetter'>,
  errorCode: string,
  message: string,
  attempts: number,
  value: unknown,
): Promise<void> {
  const errorMessage = message.slice(0, MAX_ERROR_MESSAGE);
  // An opaque id, never PHI: lets the replay tool audit the replay against its task.
  const taskId = (value as { taskId?: unknown } | undefined)?.taskId;
  await deps.publishDeadLetter(dlqTopicName(record.topic), {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.originalTopic]: record.topic,
      [DLQ_HEADERS.originalPartition]: String(record.partition),
      [DLQ_HEADERS.originalOffset]: record.offset,
      [DLQ_HEADERS.groupId]: deps.groupId,
      [DLQ_HEADERS.errorCode]: errorCode,
      [DLQ_HEADERS.errorMessage]: errorMessage,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
      ...(typeof taskId === 'string' && taskId ? { [DLQ_HEADERS.taskId]: taskId } : {}),
    },
  });
  deps.logger.error(
    { topic: record.topic, partition: record.partition, offset: record.offset, errorCode, attempts },
    'record dead-lettered',
  );
  if (deps.onDeadLetter) {
    try {
      await deps.onDeadLetter({ record, value, groupId: deps.groupId, errorCode, errorMessage, attempts });
    } catch (err) {
      deps.logger.error({ errorCode: toCareRelayError(err).code }, 'onDeadLetter hook failed');
    }
  }
}
