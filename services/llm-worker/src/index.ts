export { createLlmWorkerApp, SERVICE_NAME } from './app.js';
export type { LlmWorkerOptions } from './app.js';
export { llmWorkerConfigSchema } from './config.js';
export { modelClientFromConfig } from './model-client.js';
export { SharedRateLimiter } from './domain/rate-limiter.js';
export { DraftIdempotency } from './domain/idempotency.js';
export { InMemoryDraftCache, InMemoryRateGate } from './domain/in-memory.js';
export type { DraftCache, RateGate, TaskLock } from './domain/ports.js';
