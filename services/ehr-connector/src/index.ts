export { createEhrConnectorApp, SERVICE_NAME } from './app.js';
export type { ConnectorPolicyOptions, EhrConnectorOptions } from './app.js';
export {
  DEFAULT_BREAK_GLASS_TTL_SECONDS,
  InMemoryBreakGlassStore,
  RedisBreakGlassStore,
} from './policy/break-glass.js';
export type { BreakGlassStore } from './policy/break-glass.js';
export { ConsentCache } from './policy/consent-cache.js';
export { RolloutSource } from './policy/rollout-source.js';
export { actingRole, consentFacts, decideRequest } from './policy/task-policy.js';
export { onDemandChange } from './ingress/on-demand.js';
export type { Requester, TaskPolicyDeps } from './policy/task-policy.js';
export { ehrConnectorConfigSchema } from './config.js';
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
export { applyAuditEvent, HISTORY_LIMIT, queueTask } from './task-status/task-status.js';
export type { QueuedTask, TaskState, TaskStateChange, TaskStatus } from './task-status/task-status.js';
export { createTaskStatusProjection, markQueued, projectAuditEvent } from './task-status/project-audit.js';
export {
  DEFAULT_TASK_STATUS_TTL_SECONDS,
  InMemoryTaskStatusStore,
  RedisTaskStatusStore,
} from './task-status/task-status-store.js';
export type { TaskStatusStore } from './task-status/task-status-store.js';
