export { createEhrConnectorApp, SERVICE_NAME } from './app.js';
export type { EhrConnectorOptions } from './app.js';
export { ehrConnectorConfigSchema } from './config.js';
export { decideAccess } from './domain/access.js';
export type { AccessDecision, AccessRequest } from './domain/access.js';
export { useCaseFor } from './domain/planner.js';
export { planChange, taskIdFor } from './handlers/plan-change.js';
export { FhirChangePoller, InMemoryCursorStore } from './ingress/change-poller.js';
export type { CursorStore, PollCursor } from './ingress/change-poller.js';
export { RedisCursorStore } from './ingress/redis-cursor-store.js';
export {
  InMemoryIdempotencyStore,
  RedisIdempotencyStore,
  requestFingerprint,
} from './ingress/idempotency-store.js';
export type { IdempotencyRecord, IdempotencyStore } from './ingress/idempotency-store.js';
