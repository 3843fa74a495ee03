import type { Redis } from 'ioredis';
import { CareRelayError } from '@carerelay/errors';

export type ClaimOutcome = 'claimed' | 'duplicate';

/**
 * The planner's "once per task": before any PHI is read, a change claims its task.
 * A claim is pending while the change is being planned (held by that change's event id,
 * so the same change retried or redelivered after a crash resumes it) and planned once
 * the task is published (every later change is a duplicate, for the claim's lifetime).
 * A change that plans nothing (denied, Part 2, failed) releases its pending claim, so a
 * later permitted change is not blocked.
 */
export interface TaskClaims {
  claim(tenantId: string, taskId: string, changeEventId: string): Promise<ClaimOutcome>;
  /** The task was published: from now on every change for it is a duplicate. */
  planned(tenantId: string, taskId: string, changeEventId: string): Promise<void>;
  /** This change planned nothing: the task is free again (only this change's pending claim is dropped). */
  release(tenantId: string, taskId: string, changeEventId: string): Promise<void>;
}

/** 30 days: longer than any EHR's edit window for a finished session we have seen. */
export const DEFAULT_TASK_CLAIM_TTL_SECONDS = 30 * 24 * 3600;

const pending = (changeEventId: string): string => `pending:${changeEventId}`;
const done = (changeEventId: string): string => `planned:${changeEventId}`;

function unavailable(cause: unknown): CareRelayError {
  // Fail closed: never plan an unclaimed task. The bus retries the change later.
  return new CareRelayError('TASK_CLAIM_UNAVAILABLE', 'task claim store unavailable', {
    retryable: true,
    cause,
  });
}

/** One process (the embedded default, tests): claims live in memory and expire. */
export class InMemoryTaskClaims implements TaskClaims {
  private readonly claims = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly ttlSeconds = DEFAULT_TASK_CLAIM_TTL_SECONDS) {}

  claim(tenantId: string, taskId: string, changeEventId: string): Promise<ClaimOutcome> {
    const key = `${tenantId}:${taskId}`;
    const held = this.current(key);
    if (held === undefined || held === pending(changeEventId)) {
      this.claims.set(key, { value: pending(changeEventId), expiresAt: this.expiry() });
      return Promise.resolve('claimed');
    }
    return Promise.resolve('duplicate');
  }

  planned(tenantId: string, taskId: string, changeEventId: string): Promise<void> {
    this.claims.set(`${tenantId}:${taskId}`, { value: done(changeEventId), expiresAt: this.expiry() });
    return Promise.resolve();
  }

  release(tenantId: string, taskId: string, changeEventId: string): Promise<void> {
    const key = `${tenantId}:${taskId}`;
    if (this.current(key) === pending(changeEventId)) this.claims.delete(key);
    return Promise.resolve();
  }

  private current(key: string): string | undefined {
    const held = this.claims.get(key);
    if (held && held.expiresAt <= Date.now()) {
      this.claims.delete(key);
      return undefined;
    }
    return held?.value;
  }

  private expiry(): number {
    return Date.now() + this.ttlSeconds * 1000;
  }
}

// Claim if free or already pending for this very change (atomic: a script, not GET then SET).
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Distributed mode: claims in Redis, shared by every connector replica. */
export class RedisTaskClaims implements TaskClaims {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    options: { readonly prefix?: string; readonly ttlSeconds?: number } = {},
  ) {
    this.prefix = options.prefix ?? 'carerelay:';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TASK_CLAIM_TTL_SECONDS;
  }

  async claim(tenantId: string, taskId: string, changeEventId: string): Promise<ClaimOutcome> {
    const won = await this.guard(() =>
      this.redis.eval(CLAIM, 1, this.key(tenantId, taskId), pending(changeEventId), this.ttlSeconds),
    );
    return won === 1 ? 'claimed' : 'duplicate';
  }

  async planned(tenantId: string, taskId: string, changeEventId: string): Promise<void> {
    await this.guard(() =>
      this.redis.set(this.key(tenantId, taskId), done(changeEventId), 'EX', this.ttlSeconds),
    );
  }

  async release(tenantId: string, taskId: string, changeEventId: string): Promise<void> {
    await this.guard(() => this.redis.eval(RELEASE, 1, this.key(tenantId, taskId), pending(changeEventId)));
  }

  private key(tenantId: string, taskId: string): string {
    return `${this.prefix}task-claim:${tenantId}:${taskId}`;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw unavailable(cause);
    }
  }
}
