import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One alert per client, trigger and window (DOMAIN.md, low-noise alerting). `admit` answers for
 * an alert about to be raised:
 *  - `new`: nothing inside the window; the alert is raised and holds the window;
 *  - `same`: this very alert holds the window (a redelivery): raised again, and writeback's
 *    conditional create on the alert id keeps it one Flag;
 *  - `escalation`: a lower-severity alert holds the window: this one is raised and takes it;
 *  - `duplicate`: an alert at least as severe holds the window: suppressed.
 */
export type DedupVerdict = 'new' | 'same' | 'escalation' | 'duplicate';

export interface AlertDedup {
  admit(input: {
    readonly tenantId: string;
    readonly dedupKey: string;
    readonly alertId: string;
    readonly rank: number;
    readonly windowMs: number;
  }): Promise<DedupVerdict>;
}

/** One process (the embedded default, `carerelay draft`): a map with expiry times. */
export class InMemoryAlertDedup implements AlertDedup {
  private readonly held = new Map<string, { rank: number; alertId: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  admit(input: Parameters<AlertDedup['admit']>[0]): Promise<DedupVerdict> {
    const key = `${input.tenantId}\u0000${input.dedupKey}`;
    const at = this.now();
    const current = this.held.get(key);
    const live = current && current.until > at ? current : undefined;
    if (live?.alertId === input.alertId) return Promise.resolve('same');
    if (live && live.rank >= input.rank) return Promise.resolve('duplicate');
    this.held.set(key, { rank: input.rank, alertId: input.alertId, until: at + input.windowMs });
    return Promise.resolve(live ? 'escalation' : 'new');
  }
}

// Atomic compare-and-set: replicas deciding on the same client at once agree on one alert.
const ADMIT = `
local held = redis.call('GET', KEYS[1])
if held then
  local sep = string.find(held, ':', 1, true)
  local rank = tonumber(string.sub(held, 1, sep - 1))
  local id = string.sub(held, sep + 1)
  if id == ARGV[2] then return 'same' end
  if rank >= tonumber(ARGV[1]) then return 'duplicate' end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
if held then return 'escalation' end
return 'new'
`;

/** Several replicas: the window lives in Redis, keyed by a hash of the (pseudonymous) dedup key. */
export class RedisAlertDedup implements AlertDedup {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:risk-dedup:',
  ) {}

  async admit(input: Parameters<AlertDedup['admit']>[0]): Promise<DedupVerdict> {
    const digest = createHash('sha256').update(input.dedupKey).digest('hex');
    const verdict = await this.redis.eval(
      ADMIT,
      1,
      `${this.prefix}${input.tenantId}:${digest}`,
      String(input.rank),
      input.alertId,
      String(input.windowMs),
    );
    return verdict as DedupVerdict;
  }
}
