#!/usr/bin/env node
// Composition root of risk-scanner in distributed mode: nothing but wiring.
import { connectRedis, runServiceMain } from '@carerelay/runtime';
import { createRiskScannerApp, SERVICE_NAME } from './app.js';
import { riskScannerConfigSchema, riskScannerTransports } from './config.js';
import { RedisAlertDedup } from './domain/alert-dedup.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: riskScannerConfigSchema,
  transports: riskScannerTransports,
  createApp: (context, config) => {
    const { redis, close } = connectRedis(config.REDIS_URL, context.logger, {
      commandTimeoutMs: context.redisCommandTimeoutMs,
      readiness: context.readiness,
    });
    return createRiskScannerApp(context, {
      dedup: new RedisAlertDedup(redis),
      riskWindowMs: config.RISK_DEDUP_WINDOW_MS,
      planReviewWindowMs: config.RISK_PLAN_REVIEW_WINDOW_DAYS * 86_400_000,
      stagnationSessions: config.RISK_STAGNATION_SESSIONS,
      maxAttempts: config.RISK_MAX_ATTEMPTS,
      retryInitialMs: config.RISK_RETRY_INITIAL_MS,
      close,
    });
  },
});
