import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SharedRateLimiter } from './rate-limiter.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

describe('SharedRateLimiter (real Redis)', () => {
  it('admits N requests per window across instances, then says how long to wait', async () => {
    const key = `test:${randomUUID()}:rate`;
    const a = new SharedRateLimiter(redis, key, {
      requestsPerMinute: 3,
      tokensPerMinute: 0,
      windowMs: 1_000,
    });
    const b = new SharedRateLimiter(redis, key, {
      requestsPerMinute: 3,
      tokensPerMinute: 0,
      windowMs: 1_000,
    });
    const waits = [
      await a.tryAcquire('1', 10),
      await b.tryAcquire('2', 10),
      await a.tryAcquire('3', 10),
      await b.tryAcquire('4', 10),
    ];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(1_000 + SharedRateLimiter.ARRIVAL_MARGIN_MS);
    await new Promise((r) => setTimeout(r, waits[3]! + 20));
    expect(await b.tryAcquire('5', 10)).toBe(0);
  });

  it('enforces the token budget too', async () => {
    const key = `test:${randomUUID()}:rate`;
    const limiter = new SharedRateLimiter(redis, key, {
      requestsPerMinute: 100,
      tokensPerMinute: 1_000,
      windowMs: 1_000,
    });
    expect(await limiter.tryAcquire('1', 600)).toBe(0);
    expect(await limiter.tryAcquire('2', 600)).toBeGreaterThan(0);
    expect(await limiter.tryAcquire('3', 300)).toBe(0);
  });

  it('fails closed when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const limiter = new SharedRateLimiter(dead, 'x', { requestsPerMinute: 1, tokensPerMinute: 0 });
    await expect(limiter.tryAcquire('1', 1)).rejects.toMatchObject({
      code: 'LLM_RATE_LIMITER_UNAVAILABLE',
      retryable: true,
    });
    dead.disconnect();
  });
});
