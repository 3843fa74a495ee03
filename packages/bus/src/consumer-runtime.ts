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

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 30_000 };

/** Exponential backoff with equal jitter: half fixed, half random, capped. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type Outcome = 'handled' | 'dead-lettered' | 'aborted';

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
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_ERROR_MESSAGE = 500;

/**
 * The consumer semantics both bus implementations share: decode, run the handler,
 * retry retryable errors with backoff, dead-letter the rest with the cause.
 * A retryable decode failure (registry unreachable) is retried like a handler
 * failure: it is not the record's fault. Returns 'aborted' when stopping
 * interrupted a retry: the caller must not commit, so the record is redelivered.
 */
export async function processRecord<T>(record: RawRecord, deps: ProcessDeps<T>): Promise<Outcome> {
  let decoded: { value: T } | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!decoded) {
        if (record.value === null) {
          throw new CareRelayError('SERDE_EMPTY_VALUE', 'record has no value', { retryable: false });
        }
        decoded = { value: await deps.serde.decode(deps.topic, record.value) };
      }
      await deps.handler({
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key ?? '',
        value: decoded.value,
        headers: record.headers,
        attempt,
      });
      return 'handled';
    } catch (err) {
      const error = toCareRelayError(err, decoded ? 'HANDLER_FAILED' : 'SERDE_DECODE_FAILED');
      if (!error.retryable || attempt >= deps.retry.maxAttempts) {
        await deadLetter(record, deps, error.code, error.message, attempt, decoded?.value);
        return 'dead-lettered';
      }
      const delay = backoffDelay(attempt, deps.retry);
      deps.logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          errorCode: error.code,
          attempt,
          delay,
        },
        'record failed, will retry',
      );
      await (deps.sleep ?? defaultSleep)(delay);
      if (deps.stopping()) return 'aborted';
    }
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
