import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CareRelayError } from '@carerelay/errors';
import type { AiDraft } from '@carerelay/events';
import type { DraftCache, TaskLock } from './ports.js';

const RELEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const RENEW =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/**
 * "A redelivered request never causes a second paid call": before calling, a
 * worker takes `SET NX` on the task; after the call, the draft is cached under
 * the task. A redelivery finds the cached draft and republishes it; a concurrent
 * duplicate finds the lock and backs off (retryable) until the draft is cached.
 */
export class DraftIdempotency implements DraftCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly lockMs: number,
  ) {}

  private key(kind: 'lock' | 'draft', tenantId: string, taskId: string): string {
    return `${this.prefix}llm:${kind}:${tenantId}:${taskId}`;
  }

  async cached(tenantId: string, taskId: string): Promise<AiDraft | undefined> {
    const raw = await this.guard(() => this.redis.get(this.key('draft', tenantId, taskId)));
    return raw ? (JSON.parse(raw) as AiDraft) : undefined;
  }

  /** Takes the task, or throws LLM_IN_FLIGHT (retryable) when another worker holds it. */
  async lock(tenantId: string, taskId: string): Promise<TaskLock> {
    const owner = randomUUID();
    const key = this.key('lock', tenantId, taskId);
    const ok = await this.guard(() => this.redis.set(key, owner, 'PX', this.lockMs, 'NX'));
    if (ok !== 'OK')
      throw new CareRelayError('LLM_IN_FLIGHT', 'another worker is drafting this task', { retryable: true });
    return {
      release: async () => {
        // Release only our own lock (compare-and-delete).
        await this.redis.eval(RELEASE, 1, key, owner).catch(() => undefined);
      },
      renew: async () => {
        const held = await this.guard(() => this.redis.eval(RENEW, 1, key, owner, this.lockMs));
        if (Number(held) !== 1)
          throw new CareRelayError('LLM_IN_FLIGHT', 'the hold on this task expired', { retryable: true });
      },
    };
  }

  async store(draft: AiDraft): Promise<void> {
    await this.guard(() =>
      this.redis.set(
        this.key('draft', draft.tenantId, draft.taskId),
        JSON.stringify(draft),
        'EX',
        this.ttlSeconds,
      ),
    );
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new CareRelayError('LLM_IDEMPOTENCY_UNAVAILABLE', 'idempotency store unavailable', {
        retryable: true,
        cause,
      });
    }
  }
}
