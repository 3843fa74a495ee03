import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditFacts } from './audit-event.js';
import { AuthFailureAggregator } from './auth-failures.js';

type Facts = Omit<AuditFacts, 'service'>;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 7, 19, 0, 0);
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function setup(options: { maxKeys?: number; failFirst?: number } = {}) {
  let now = T0;
  let failures = options.failFirst ?? 0;
  const recorded: Facts[] = [];
  const aggregator = AuthFailureAggregator.fromConfig({
    trail: {
      record: (facts) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('trail down'));
        }
        recorded.push(facts);
        return Promise.resolve();
      },
    },
    maxKeys: options.maxKeys,
    now: () => now,
  });
  return { aggregator, recorded, advance: (ms: number) => (now += ms) };
}

const bad = (source: string, reasonCode = 'AUTH_TOKEN_INVALID') => ({
  tenantId: 't1',
  source,
  reasonCode,
  route: 'POST /v1/tasks',
});

describe('AuthFailureAggregator', () => {
  it('records one AUTH_FAILURE per source, reason and minute, once the minute has ended', async () => {
    const { aggregator, recorded, advance } = setup();
    for (let i = 0; i < 500; i++) aggregator.note(bad('203.0.113.7'));
    aggregator.note(bad('203.0.113.7', 'AUTH_TOKEN_EXPIRED'));
    advance(59_000);
    for (let i = 0; i < 500; i++) aggregator.note(bad('203.0.113.7'));
    await aggregator.flush();
    expect(recorded).toEqual([]); // the minute is still open
    advance(MINUTE);
    aggregator.note(bad('203.0.113.7')); // the next minute
    await aggregator.flush();
    expect(recorded).toEqual([
      expect.objectContaining({
        tenantId: 't1',
        action: 'AUTH_FAILURE',
        outcome: 'DENIED',
        reasonCode: 'AUTH_TOKEN_INVALID',
        counts: { failures: 1000, windowStartMs: T0, windowMs: MINUTE },
        hashes: { source: sha256('203.0.113.7') },
      }),
      expect.objectContaining({
        reasonCode: 'AUTH_TOKEN_EXPIRED',
        counts: expect.objectContaining({ failures: 1 }) as unknown,
      }),
    ]);
    await aggregator.shutdown();
    expect(recorded).toHaveLength(3);
    expect(recorded[2]!.counts).toEqual({ failures: 1, windowStartMs: T0 + MINUTE, windowMs: MINUTE });
    expect(JSON.stringify(recorded)).not.toContain('203.0.113.7');
  });

  it('folds sources beyond the key limit into one overflow count per tenant and reason', async () => {
    const { aggregator, recorded } = setup({ maxKeys: 10 });
    for (let i = 0; i < 5_000; i++) aggregator.note(bad(`198.51.100.${i % 250}-${i}`));
    await aggregator.shutdown();
    expect(recorded).toHaveLength(11);
    expect(recorded.reduce((n, f) => n + (f.counts?.['failures'] ?? 0), 0)).toBe(5_000);
    expect(recorded.at(-1)).toMatchObject({
      hashes: { source: sha256('overflow') },
      counts: { failures: 4_990 },
    });
  });

  it('keeps the counts the trail could not take, and records them at the next flush', async () => {
    const { aggregator, recorded } = setup({ failFirst: 1 });
    for (let i = 0; i < 7; i++) aggregator.note(bad('192.0.2.1'));
    await aggregator.flush(true);
    expect(recorded).toEqual([]);
    aggregator.note(bad('192.0.2.1'));
    await aggregator.flush(true);
    expect(recorded).toEqual([
      expect.objectContaining({ counts: expect.objectContaining({ failures: 8 }) as unknown }),
    ]);
  });
});
