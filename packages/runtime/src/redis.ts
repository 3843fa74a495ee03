import { Redis } from 'ioredis';
import type { Logger } from '@carerelay/logger';

/**
 * A Redis connection for safety-relevant state (vault, rate limit, idempotency):
 * commands fail at once while disconnected instead of queueing, so a handler
 * fails closed and the bus retries it later; reconnection continues in the
 * background. `close` quits politely, or drops the socket if Redis is gone.
 */
export function connectRedis(url: string, logger: Logger): { redis: Redis; close: () => Promise<void> } {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (err: Error) =>
    logger.warn({ errorCode: 'REDIS_ERROR', reason: err.message }, 'redis error'),
  );
  return {
    redis,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
