import { Redis } from 'ioredis';
import { CareRelayError } from '@carerelay/errors';
import type { Logger } from '@carerelay/logger';
import type { DependencyCheck, Readiness } from './readiness.js';

export interface RedisOptions {
  /**
   * A command that gets no answer within this fails (retryable) instead of hanging: a paused
   * or overloaded Redis keeps the TCP connection open, so only a timeout notices. Default 2 s.
   */
  readonly commandTimeoutMs?: number;
  /** Where the connection's `redis` readiness check is registered (PING). */
  readonly readiness?: Readiness;
}

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * A Redis connection for safety-relevant state (vault, rate limit, idempotency):
 * commands fail at once while disconnected instead of queueing, and after
 * `commandTimeoutMs` when Redis does not answer, so a handler fails closed and the bus
 * retries it later; reconnection continues in the background. `close` quits politely,
 * or drops the socket if Redis is gone.
 */
export function connectRedis(
  url: string,
  logger: Logger,
  options: RedisOptions = {},
): { redis: Redis; close: () => Promise<void>; check: DependencyCheck } {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  });
  redis.on('error', (err: Error) =>
    logger.warn({ errorCode: 'REDIS_ERROR', reason: err.message }, 'redis error'),
  );
  const check: DependencyCheck = {
    name: 'redis',
    check: async () => {
      try {
        await redis.ping();
      } catch (cause) {
        const timedOut = (cause as Error).message === 'Command timed out';
        throw new CareRelayError(
          timedOut ? 'REDIS_TIMEOUT' : 'REDIS_UNAVAILABLE',
          timedOut ? 'redis did not answer PING in time' : 'redis is not reachable',
          { retryable: true, cause },
        );
      }
    },
  };
  options.readiness?.register(check);
  return {
    redis,
    check,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
