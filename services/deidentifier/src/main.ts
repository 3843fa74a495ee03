#!/usr/bin/env node
// Composition root of the deidentifier in distributed mode: nothing but wiring.
import { LocalKeyProvider } from '@carerelay/crypto';
import { RedisTokenVault } from '@carerelay/phi';
import { connectRedis, runServiceMain } from '@carerelay/runtime';
import { createDeidentifierApp, SERVICE_NAME } from './app.js';
import { deidentifierConfigSchema, deidentifierTransports } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: deidentifierConfigSchema,
  transports: deidentifierTransports,
  createApp: (context, config) => {
    const keys = LocalKeyProvider.fromFile(config.KEY_FILE, { create: config.KEY_FILE_CREATE });
    const { redis, close } = connectRedis(config.REDIS_URL, context.logger, {
      commandTimeoutMs: context.redisCommandTimeoutMs,
      readiness: context.readiness,
    });
    return createDeidentifierApp(context, {
      keys,
      vault: new RedisTokenVault(redis, keys),
      vaultTtlSeconds: config.VAULT_TTL_SECONDS,
      dateShift: config.DEID_DATE_SHIFT,
      maxAttempts: config.DEID_MAX_ATTEMPTS,
      retryInitialMs: config.DEID_RETRY_INITIAL_MS,
      close,
    });
  },
});
