import type { Redis } from 'ioredis';
import { CareRelayError } from '@carerelay/errors';
import type { BreakGlass } from '@carerelay/policy';

/**
 * Break-glass grants: a clinician who declared an emergency for a client may act for that
 * client's treatment, outside their relationships, until the grant expires. The grant is
 * declared (and audited as BREAK_GLASS) at the ingress; the planner finds it here.
 */
export interface BreakGlassStore {
  grant(tenantId: string, userId: string, clientId: string, glass: BreakGlass): Promise<void>;
  /** The unexpired grant, if any. */
  active(tenantId: string, userId: string, clientId: string): Promise<BreakGlass | undefined>;
}

/** How long a break-glass grant lasts unless configured (BREAK_GLASS_TTL_SECONDS). */
export const DEFAULT_BREAK_GLASS_TTL_SECONDS = 3600;

const keyOf = (tenantId: string, userId: string, clientId: string): string =>
  JSON.stringify([tenantId, userId, clientId]);

export class InMemoryBreakGlassStore implements BreakGlassStore {
  private readonly grants = new Map<string, BreakGlass>();

  constructor(private readonly now: () => number = Date.now) {}

  grant(tenantId: string, userId: string, clientId: string, glass: BreakGlass): Promise<void> {
    this.grants.set(keyOf(tenantId, userId, clientId), glass);
    return Promise.resolve();
  }

  active(tenantId: string, userId: string, clientId: string): Promise<BreakGlass | undefined> {
    const glass = this.grants.get(keyOf(tenantId, userId, clientId));
    return Promise.resolve(glass && glass.expiresAt > this.now() ? glass : undefined);
  }
}

/** Distributed mode: grants expire in Redis with the grant (PXAT), shared by the replicas. */
export class RedisBreakGlassStore implements BreakGlassStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:breakglass:',
  ) {}

  async grant(tenantId: string, userId: string, clientId: string, glass: BreakGlass): Promise<void> {
    try {
      await this.redis.set(
        this.prefix + keyOf(tenantId, userId, clientId),
        JSON.stringify(glass),
        'PXAT',
        glass.expiresAt,
      );
    } catch (cause) {
      throw unavailable(cause);
    }
  }

  async active(tenantId: string, userId: string, clientId: string): Promise<BreakGlass | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.prefix + keyOf(tenantId, userId, clientId));
    } catch (cause) {
      throw unavailable(cause);
    }
    if (!raw) return undefined;
    const glass = JSON.parse(raw) as BreakGlass;
    return glass.expiresAt > Date.now() ? glass : undefined;
  }
}

function unavailable(cause: unknown): CareRelayError {
  // Fail closed: without the store no override is honoured; the change is retried.
  return new CareRelayError('BREAK_GLASS_STORE_UNAVAILABLE', 'break-glass grants cannot be read', {
    retryable: true,
    httpStatus: 503,
    cause,
  });
}
