import { createHash } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import type { Redis } from 'ioredis';

/**
 * What an `Idempotency-Key` is bound to: the fingerprint of the request that first used it
 * and, once that request was queued, its answer. No answer yet = the first request is in flight.
 */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly answer?: { readonly taskId: string; readonly changeEventId: string };
}

/** Idempotency keys of `POST /v1/tasks`: Redis across replicas, memory for the embedded default. */
export interface IdempotencyStore {
  /** Binds `key` to `record` unless it is bound already; returns the existing binding, else undefined. */
  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the answer of the request that claimed `key`. */
  complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void>;
  /** Unbinds `key` (its request could not be queued: a retry must be able to queue it). */
  release(key: string): Promise<void>;
}

/** SHA-256 (hex) of the canonical JSON of the parts: the request an idempotency key is bound to. */
export function requestFingerprint(parts: Readonly<Record<string, string | null>>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k]]),
  );
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Keys in Redis: SET NX EX binds a key once across every connector replica. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:idempotency:',
  ) {}

  async claim(
    key: string,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<IdempotencyRecord | undefined> {
    const value = JSON.stringify(record);
    // A binding can expire between the SET and the GET: then claim again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if ((await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK') return undefined;
      const existing = await this.redis.get(this.prefix + key);
      if (existing) return JSON.parse(existing) as IdempotencyRecord;
    }
    throw new CareRelayError('IDEMPOTENCY_STORE_UNAVAILABLE', 'idempotency key could not be bound', {
      retryable: true,
      httpStatus: 503,
    });
  }

  async complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(record), 'EX', ttlSeconds);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

/** Keys in memory (embedded default: one process, nothing survives it). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined> {
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > this.now()) return Promise.resolve(existing.record);
    this.entries.set(key, { record, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve(undefined);
  }

  complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { record, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}
