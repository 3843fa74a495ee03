#!/usr/bin/env node
// Composition root of the deidentifier in distributed mode: nothing but wiring.
import { Redis } from 'ioredis';
import { LocalKeyProvider } from '@carerelay/crypto';
import { RedisTokenVault } from '@carerelay/phi';
import { runServiceMain } from '@carerelay/runtime';
import { createDeidentifierApp, SERVICE_NAME } from './app.js';
import { deidentifierConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: deidentifierConfigSchema,
  createApp: (context, config) => {
    const keys = LocalKeyProvider.fromFile(config.KEY_FILE, { create: config.KEY_FILE_CREATE });
    // Fail fast instead of queueing: a vault write that cannot happen now is retried by the bus.
    const redis = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    redis.on('error', (err: Error) =>
      context.logger.warn({ errorCode: 'REDIS_ERROR', reason: err.message }, 'redis error'),
    );
    return createDeidentifierApp(context, {
      keys,
      vault: new RedisTokenVault(redis, keys),
      vaultTtlSeconds: config.VAULT_TTL_SECONDS,
      dateShift: config.DEID_DATE_SHIFT,
      maxAttempts: config.DEID_MAX_ATTEMPTS,
      retryInitialMs: config.DEID_RETRY_INITIAL_MS,
      close: async () => {
        await redis.quit().catch(() => redis.disconnect());
      },
    });
  },
});
