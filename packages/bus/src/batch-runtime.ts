import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { BatchHandler, Delivery, RawRecord } from './bus.js';
import { backoffDelay, deadLetter, mayRetry, type ProcessDeps } from './consumer-runtime.js';

export const DEFAULT_MAX_BATCH_SIZE = 500;

export interface BatchDeps<T> extends Omit<ProcessDeps<T>, 'handler'> {
  readonly handler: BatchHandler<T>;
  /** Keeps the consumer's group membership alive between retries (Kafka heartbeat). */
  readonly heartbeat?: () => Promise<void>;
}

/** A record's fate once settled: its offset may then be committed. */
export type Settled = 'handled' | 'dead-lettered';

type Attempted<R> =
  | { readonly kind: 'ok'; readonly value: R }
  | { readonly kind: 'failed'; readonly error: CareRelayError; readonly attempts: number }
  | { readonly kind: 'aborted' };

const STOP_POLL_MS = 50;

/** Waits `ms`, waking early when the consumer starts stopping (a retry may wait seconds). */
async function pause(ms: number, deps: Pick<ProcessDeps<unknown>, 'sleep' | 'stopping'>): Promise<void> {
  if (deps.sleep) return deps.sleep(ms);
  const until = Date.now() + ms;
  while (!deps.stopping() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(STOP_POLL_MS, until - Date.now())));
  }
}

/**
 * Runs `work` under the retry policy: retryable errors back off and retry while the budget
 * (attempts, time) remains, the rest fail at once. The wait is in place: a batch is one
 * transaction, and the Kafka bus keeps heartbeating while it runs.
 */
async function withRetries<T, R>(
  deps: BatchDeps<T>,
  fallbackCode: string,
  where: { readonly partition: number; readonly offset: string; readonly size: number },
  work: (attempt: number) => Promise<R>,
): Promise<Attempted<R>> {
  const now = deps.now ?? Date.now;
  let firstFailedAt: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return { kind: 'ok', value: await work(attempt) };
    } catch (err) {
      const error = toCareRelayError(err, fallbackCode);
      firstFailedAt ??= now();
      if (!error.retryable || !mayRetry(deps.retry, attempt, now() - firstFailedAt))
        return { kind: 'failed', error, attempts: attempt };
      const delay = backoffDelay(attempt, deps.retry);
      deps.logger.warn({ ...where, errorCode: error.code, attempt, delay }, 'batch failed, will retry');
      await pause(delay, deps);
      if (deps.stopping()) return { kind: 'aborted' };
      await deps.heartbeat?.();
    }
  }
}

const at = (record: RawRecord): { partition: number; offset: string; size: number } => ({
  partition: record.partition,
  offset: record.offset,
  size: 1,
});

function delivery<T>(record: RawRecord, value: T, attempt: number): Delivery<T> {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key ?? '',
    value,
    headers: record.headers,
    attempt,
  };
}

/** How many leading records are settled: the offset of the last of them is committable. */
function settledPrefix(outcomes: readonly (Settled | undefined)[]): Settled[] {
  const prefix: Settled[] = [];
  for (const outcome of outcomes) {
    if (outcome === undefined) break;
    prefix.push(outcome);
  }
  return prefix;
}

/**
 * The batch semantics both bus implementations share (see BatchSubscribeOptions).
 * Returns the outcome of each leading record that is settled; fewer outcomes than
 * records means stopping interrupted a retry, and the rest must not be committed.
 */
export async function processBatch<T>(records: readonly RawRecord[], deps: BatchDeps<T>): Promise<Settled[]> {
  const outcomes: (Settled | undefined)[] = new Array<Settled | undefined>(records.length).fill(undefined);
  const decoded: { readonly index: number; readonly value: T }[] = [];
  for (const [index, record] of records.entries()) {
    const result = await withRetries(deps, 'SERDE_DECODE_FAILED', at(record), () => {
      if (record.value === null) {
        throw new CareRelayError('SERDE_EMPTY_VALUE', 'record has no value', { retryable: false });
      }
      return deps.serde.decode(deps.topic, record.value);
    });
    if (result.kind === 'aborted') return settledPrefix(outcomes);
    if (result.kind === 'failed') {
      await deadLetter(record, deps, result.error.code, result.error.message, result.attempts, undefined);
      outcomes[index] = 'dead-lettered';
    } else {
      decoded.push({ index, value: result.value });
    }
  }
  if (decoded.length === 0) return settledPrefix(outcomes);

  const first = records[decoded[0]!.index]!;
  const whole = await withRetries(
    deps,
    'HANDLER_FAILED',
    { partition: first.partition, offset: first.offset, size: decoded.length },
    (attempt) => deps.handler(decoded.map((d) => delivery(records[d.index]!, d.value, attempt))),
  );
  if (whole.kind === 'aborted') return settledPrefix(outcomes);
  if (whole.kind === 'ok') {
    for (const d of decoded) outcomes[d.index] = 'handled';
    return settledPrefix(outcomes);
  }
  if (decoded.length === 1) {
    const only = decoded[0]!;
    await deadLetter(
      records[only.index]!,
      deps,
      whole.error.code,
      whole.error.message,
      whole.attempts,
      only.value,
    );
    outcomes[only.index] = 'dead-lettered';
    return settledPrefix(outcomes);
  }

  // Find the poison: every record alone, in order; only those that still fail are dead-lettered.
  deps.logger.warn(
    { partition: first.partition, offset: first.offset, size: decoded.length, errorCode: whole.error.code },
    'batch failed, handling its records one by one',
  );
  for (const d of decoded) {
    const record = records[d.index]!;
    const alone = await withRetries(deps, 'HANDLER_FAILED', at(record), (attempt) =>
      deps.handler([delivery(record, d.value, attempt)]),
    );
    if (alone.kind === 'aborted') return settledPrefix(outcomes);
    if (alone.kind === 'failed') {
      await deadLetter(record, deps, alone.error.code, alone.error.message, alone.attempts, d.value);
      outcomes[d.index] = 'dead-lettered';
    } else {
      outcomes[d.index] = 'handled';
    }
  }
  return settledPrefix(outcomes);
}
