import type { Redis } from 'ioredis';
import { CareRelayError } from '@carerelay/errors';
import type { RateGate } from './ports.js';

/**
 * One sliding-window limit (requests and tokens per minute) shared by every
 * llm-worker instance through Redis. A Lua script checks and reserves
 * atomically, on Redis's clock, so instances with skewed clocks still agree and
 * no 60-second window (aligned or not) ever holds more than the limit.
 */
const SCRIPT = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local maxRequests = tonumber(ARGV[2])
local maxTokens = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local member = ARGV[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local count = #entries / 2
local used = 0
for i = 1, #entries, 2 do
  local n = tonumber(string.match(entries[i], ':(%d+)$')) or 0
  used = used + n
end
if count < maxRequests and (maxTokens <= 0 or used + tokens <= maxTokens or count == 0) then
  redis.call('ZADD', key, now, member .. ':' .. tokens)
  redis.call('PEXPIRE', key, window * 2)
  return 0
end
local oldest = tonumber(entries[2]) or now
return math.max(1, oldest + window - now)
`;

export interface RateLimit {
  /** Requests allowed in any window. */
  readonly requestsPerMinute: number;
  /** Tokens allowed in any window (0 = no token limit). */
  readonly tokensPerMinute: number;
  /** The window: one minute in production; tests shorten it. */
  readonly windowMs?: number;
}

export class SharedRateLimiter implements RateGate {
  static readonly ARRIVAL_MARGIN_MS = 250;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limit: RateLimit,
  ) {}

  /** Returns 0 when the call may go now (and is counted), else milliseconds to wait. */
  async tryAcquire(id: string, estimatedTokens: number): Promise<number> {
    try {
      const wait = await this.redis.eval(
        SCRIPT,
        1,
        this.key,
        // Admission is counted over the window plus a margin, so that the endpoint, which
        // sees each call a few milliseconds after its admission, never counts more than
        // the limit in any window of its own.
        (this.limit.windowMs ?? 60_000) + SharedRateLimiter.ARRIVAL_MARGIN_MS,
        this.limit.requestsPerMinute,
        this.limit.tokensPerMinute,
        Math.max(0, Math.round(estimatedTokens)),
        id,
      );
      return Number(wait);
    } catch (cause) {
      // Fail closed: without the shared limiter no instance may call the model.
      throw new CareRelayError('LLM_RATE_LIMITER_UNAVAILABLE', 'shared rate limiter unavailable', {
        retryable: true,
        cause,
      });
    }
  }

  /** Waits for a slot, at most `maxWaitMs`; beyond that the caller retries later (the record is redelivered). */
  async acquire(
    id: string,
    estimatedTokens: number,
    maxWaitMs: number,
    signal?: { stopping: () => boolean },
  ): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const wait = await this.tryAcquire(`${id}:${Date.now()}`, estimatedTokens);
      if (wait === 0) return;
      if (Date.now() + wait > deadline || signal?.stopping()) {
        throw new CareRelayError(
          'LLM_RATE_LIMITED_LOCAL',
          `shared rate limit reached; next slot in ${wait} ms`,
          {
            retryable: true,
            details: { waitMs: wait },
          },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(wait, 1_000) + Math.random() * 50));
    }
  }
}
