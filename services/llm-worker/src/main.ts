#!/usr/bin/env node
// Composition root of the llm-worker in distributed mode: nothing but wiring.
import { FingerprintKeyProvider } from '@carerelay/crypto';
import { connectRedis, httpCheck, runServiceMain } from '@carerelay/runtime';
import { createLlmWorkerApp, SERVICE_NAME } from './app.js';
import { llmWorkerConfigSchema, llmWorkerTransports } from './config.js';
import { DraftIdempotency } from './domain/idempotency.js';
import { SharedRateLimiter } from './domain/rate-limiter.js';
import { modelClientFromConfig } from './model-client.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: llmWorkerConfigSchema,
  transports: llmWorkerTransports,
  createApp: (context, config) => {
    const { redis, close } = connectRedis(config.REDIS_URL, context.logger, {
      commandTimeoutMs: context.redisCommandTimeoutMs,
      readiness: context.readiness,
    });
    const modelEndpoint =
      config.LLM_PROVIDER === 'azure-openai'
        ? config.AZURE_OPENAI_ENDPOINT
        : config.OPENAI_COMPATIBLE_BASE_URL;
    if (config.LLM_PROVIDER !== 'offline' && modelEndpoint)
      context.readiness?.register(httpCheck('model', modelEndpoint));
    // The task lock outlives one model call's worst case: every attempt, timeout and wait
    // (a chart summary in pieces renews it before each further call).
    const lockMs =
      config.LLM_CALL_ATTEMPTS * (config.LLM_TIMEOUT_MS + config.LLM_MAX_RETRY_AFTER_MS) +
      config.LLM_RATE_MAX_WAIT_MS;
    return createLlmWorkerApp(context, {
      ...modelClientFromConfig(config),
      // Fingerprint keys only: this process can derive no vault, KEK, pseudonym or date-shift key.
      keys: FingerprintKeyProvider.fromFile(config.FINGERPRINT_KEY_FILE),
      limiter: new SharedRateLimiter(redis, `${config.LLM_REDIS_PREFIX}rate`, {
        requestsPerMinute: config.LLM_RATE_RPM,
        tokensPerMinute: config.LLM_RATE_TPM,
        windowMs: config.LLM_RATE_WINDOW_MS,
      }),
      drafts: new DraftIdempotency(
        redis,
        config.LLM_REDIS_PREFIX,
        config.LLM_IDEMPOTENCY_TTL_SECONDS,
        lockMs,
      ),
      rateMaxWaitMs: config.LLM_RATE_MAX_WAIT_MS,
      callAttempts: config.LLM_CALL_ATTEMPTS,
      retryInitialMs: config.LLM_RETRY_INITIAL_MS,
      maxRetryAfterMs: config.LLM_MAX_RETRY_AFTER_MS,
      circuit: { threshold: config.LLM_CIRCUIT_THRESHOLD, resetMs: config.LLM_CIRCUIT_RESET_MS },
      deliveryAttempts: config.LLM_DELIVERY_ATTEMPTS,
      timeoutMs: config.LLM_TIMEOUT_MS,
      maxTokens: config.LLM_MAX_TOKENS,
      summaryChunkTokens: config.LLM_SUMMARY_CHUNK_TOKENS,
      close,
    });
  },
});
