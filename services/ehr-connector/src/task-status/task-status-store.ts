import { CareRelayError } from '@carerelay/errors';
import type { Redis } from 'ioredis';
import type { TaskStatus } from './task-status.js';

/** Computes the next status from the stored one; returning `prev` itself writes nothing. */
export type TaskStatusUpdate = (prev: TaskStatus | undefined) => TaskStatus | undefined;

/**
 * Task statuses per tenant and task id. `update` is an atomic read-modify-write: two
 * connector replicas projecting events of the same task (or the projection and the
 * on-demand path) never lose each other's change.
 */
export interface TaskStatusStore {
  get(tenantId: string, taskId: string): Promise<TaskStatus | undefined>;
  update(tenantId: string, taskId: string, next: TaskStatusUpdate): Promise<TaskStatus | undefined>;
}

/** A week: long enough to follow a task to its end (retries, a weekend's dead letters). */
export const DEFAULT_TASK_STATUS_TTL_SECONDS = 7 * 24 * 3600;

export interface TaskStatusStoreOptions {
  /** Key prefix (default `carerelay:`): keys are `<prefix>task-status:<tenant>:<task>`. */
  readonly prefix?: string;
  readonly ttlSeconds?: number;
}

function unavailable(cause: unknown): CareRelayError {
  return new CareRelayError('TASK_STATUS_UNAVAILABLE', 'task status store unavailable; retry later', {
    retryable: true,
    httpStatus: 503,
    cause,
  });
}

// Compare-and-set: write ARGV[2] only while the key still holds ARGV[1] ('' = absent). The
// reducer runs in TypeScript between the GET and this script, so a concurrent writer makes
// the script refuse and the update is computed again on what that writer stored.
const COMPARE_AND_SET = `local v = redis.call('GET', KEYS[1])
if (v == false and ARGV[1] == '') or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

// Enough for every replica of a tenant's partition plus the on-demand path at once.
const MAX_ATTEMPTS = 20;

/**
 * Distributed mode: statuses in Redis, shared by every connector replica, expiring a TTL after
 * their last change. Atomic by optimistic compare-and-set (a script), not WATCH/MULTI: WATCH
 * belongs to a connection, and the one ioredis connection is shared by concurrent updates.
 */
export class RedisTaskStatusStore implements TaskStatusStore {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    options: TaskStatusStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'carerelay:';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TASK_STATUS_TTL_SECONDS;
  }

  async get(tenantId: string, taskId: string): Promise<TaskStatus | undefined> {
    const raw = await this.guard(() => this.redis.get(this.key(tenantId, taskId)));
    return raw === null ? undefined : (JSON.parse(raw) as TaskStatus);
  }

  async update(tenantId: string, taskId: string, next: TaskStatusUpdate): Promise<TaskStatus | undefined> {
    const key = this.key(tenantId, taskId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const raw = await this.guard(() => this.redis.get(key));
      const prev = raw === null ? undefined : (JSON.parse(raw) as TaskStatus);
      const status = next(prev);
      if (status === prev || status === undefined) return prev;
      const written = await this.guard(() =>
        this.redis.eval(COMPARE_AND_SET, 1, key, raw ?? '', JSON.stringify(status), this.ttlSeconds),
      );
      if (written === 1) return status;
      // Lost the race: let the other writer finish before reading again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * attempt)));
    }
    throw new CareRelayError('TASK_STATUS_CONFLICT', 'task status kept changing during the update', {
      retryable: true,
      httpStatus: 503,
    });
  }

  private key(tenantId: string, taskId: string): string {
    return `${this.prefix}task-status:${tenantId}:${taskId}`;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw unavailable(cause);
    }
  }
}

/**
 * One process (the embedded default, tests): statuses in memory, expiring like Redis's, and
 * at most `maxEntries` of them (the oldest-changed go first), so a long run stays bounded.
 */
export class InMemoryTaskStatusStore implements TaskStatusStore {
  private readonly entries = new Map<string, { status: TaskStatus; expiresAt: number }>();
  private readonly ttlSeconds: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    options: { readonly ttlSeconds?: number; readonly maxEntries?: number; readonly now?: () => number } = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TASK_STATUS_TTL_SECONDS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get(tenantId: string, taskId: string): Promise<TaskStatus | undefined> {
    return Promise.resolve(this.current(`${tenantId}:${taskId}`));
  }

  // Synchronous between reading and writing: nothing else runs in between in one process.
  update(tenantId: string, taskId: string, next: TaskStatusUpdate): Promise<TaskStatus | undefined> {
    const key = `${tenantId}:${taskId}`;
    const prev = this.current(key);
    const status = next(prev);
    if (status === prev || status === undefined) return Promise.resolve(prev);
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { status, expiresAt: this.now() + this.ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return Promise.resolve(status);
  }

  private current(key: string): TaskStatus | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry?.status;
  }
}
