import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryAlertDedup, RedisAlertDedup, type AlertDedup } from './alert-dedup.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
afterAll(() => redis.quit());

const stores: Array<[string, () => AlertDedup]> = [
  ['memory', () => new InMemoryAlertDedup()],
  ['redis', () => new RedisAlertDedup(redis, `carerelay:test:risk-dedup:${randomUUID()}:`)],
];

describe.each(stores)('alert dedup windows (%s)', (_name, make) => {
  const admit = (store: AlertDedup, alertId: string, rank: number, dedupKey = 'subj-1:PHQ9_ITEM9') =>
    store.admit({ tenantId: 't1', dedupKey, alertId, rank, windowMs: 60_000 });

  it('the first alert of a window is new; the same alert again is a redelivery, not a duplicate', async () => {
    const store = make();
    expect(await admit(store, 'a1', 2)).toBe('new');
    expect(await admit(store, 'a1', 2)).toBe('same');
  });

  it('another alert as severe inside the window is suppressed; a more severe one escalates', async () => {
    const store = make();
    expect(await admit(store, 'a1', 2)).toBe('new');
    expect(await admit(store, 'a2', 2)).toBe('duplicate');
    expect(await admit(store, 'a3', 1)).toBe('duplicate');
    expect(await admit(store, 'a4', 3)).toBe('escalation');
    expect(await admit(store, 'a5', 3)).toBe('duplicate');
  });

  it('windows are per client and trigger, and per tenant', async () => {
    const store = make();
    expect(await admit(store, 'a1', 2, 'subj-1:PHQ9_ITEM9')).toBe('new');
    expect(await admit(store, 'a2', 2, 'subj-2:PHQ9_ITEM9')).toBe('new');
    expect(await admit(store, 'a3', 2, 'subj-1:TEXT_SIGNAL')).toBe('new');
    expect(
      await store.admit({
        tenantId: 't2',
        dedupKey: 'subj-1:PHQ9_ITEM9',
        alertId: 'a4',
        rank: 2,
        windowMs: 60_000,
      }),
    ).toBe('new');
  });
});

describe('the Redis window expires', () => {
  it('after the window a new alert for the same client and trigger is raised again', async () => {
    const store = new RedisAlertDedup(redis, `carerelay:test:risk-dedup:${randomUUID()}:`);
    const input = { tenantId: 't1', dedupKey: 'subj-1:PHQ9_ITEM9', rank: 2, windowMs: 150 };
    expect(await store.admit({ ...input, alertId: 'a1' })).toBe('new');
    expect(await store.admit({ ...input, alertId: 'a2' })).toBe('duplicate');
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.admit({ ...input, alertId: 'a3' })).toBe('new');
  });
});
