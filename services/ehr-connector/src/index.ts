export { createEhrConnectorApp, SERVICE_NAME } from './app.js';
export type { EhrConnectorOptions } from './app.js';
export { ehrConnectorConfigSchema } from './config.js';
export { decideAccess } from './domain/access.js';
export type { AccessDecision, AccessRequest } from './domain/access.js';
export { useCaseFor } from './domain/planner.js';
export { planChange, taskIdFor, taskIdForChange, taskSubject } from './handlers/plan-change.js';
export type { TaskIdentity } from './handlers/plan-change.js';
export { FhirChangePoller, InMemoryCursorStore } from './ingress/change-poller.js';
export type { CursorStore, PollCursor, PollLease } from './ingress/change-poller.js';
export { RedisCursorStore, RedisPollLease } from './ingress/redis-cursor-store.js';
export {
  InMemoryIdempotencyStore,
  RedisIdempotencyStore,
  requestFingerprint,
} from './ingress/idempotency-store.js';
export type { IdempotencyRecord, IdempotencyStore } from './ingress/idempotency-store.js';
export { DEFAULT_TASK_CLAIM_TTL_SECONDS, InMemoryTaskClaims, RedisTaskClaims } from './task-claims.js';
export type { ClaimOutcome, TaskClaims } from './task-claims.js';
