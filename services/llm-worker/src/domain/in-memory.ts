import { CareRelayError } from '@carerelay/errors';
import type { AiDraft } from '@carerelay/events';
import type { DraftCache, RateGate, TaskLock } from './ports.js';

/** Single-process rate limit for the embedded default: the same sliding window, in memory. */
export class InMemoryRateGate implements RateGate {
  private readonly calls: Array<{ at: number; tokens: number }> = [];

  constructor(
    private readonly limit: { requestsPerMinute: number; tokensPerMinute: number; windowMs?: number },
  ) {}

  async acquire(_id: string, estimatedTokens: number, maxWaitMs: number): Promise<void> {
    const window = this.limit.windowMs ?? 60_000;
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const now = Date.now();
      while (this.calls.length > 0 && this.calls[0]!.at <= now - window) this.calls.shift();
      const used = this.calls.reduce((n, c) => n + c.tokens, 0);
      const tokensOk =
        this.limit.tokensPerMinute <= 0 ||
        used + estimatedTokens <= this.limit.tokensPerMinute ||
        this.calls.length === 0;
      if (this.calls.length < this.limit.requestsPerMinute && tokensOk) {
        this.calls.push({ at: now, tokens: estimatedTokens });
        return;
      }
      const wait = Math.max(1, this.calls[0]!.at + window - now);
      if (now + wait > deadline) {
        throw new CareRelayError('LLM_RATE_LIMITED_LOCAL', `rate limit reached; next slot in ${wait} ms`, {
          retryable: true,
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(wait, 1_000)));
    }
  }
}

export class InMemoryDraftCache implements DraftCache {
  private readonly drafts = new Map<string, AiDraft>();
  private readonly locks = new Set<string>();

  cached(tenantId: string, taskId: string): Promise<AiDraft | undefined> {
    return Promise.resolve(this.drafts.get(`${tenantId}:${taskId}`));
  }

  lock(tenantId: string, taskId: string): Promise<TaskLock> {
    const key = `${tenantId}:${taskId}`;
    if (this.locks.has(key)) {
      return Promise.reject(
        new CareRelayError('LLM_IN_FLIGHT', 'this task is being drafted', { retryable: true }),
      );
    }
    this.locks.add(key);
    return Promise.resolve({
      release: () => {
        this.locks.delete(key);
        return Promise.resolve();
      },
      // One process: the hold lasts until released.
      renew: () => Promise.resolve(),
    });
  }

  store(draft: AiDraft): Promise<void> {
    this.drafts.set(`${draft.tenantId}:${draft.taskId}`, draft);
    return Promise.resolve();
  }
}
