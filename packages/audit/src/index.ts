export { auditEvent, AuditTrail, deadLetterFacts } from './audit-event.js';
export type { AuditFacts } from './audit-event.js';
export { AuthFailureAggregator } from './auth-failures.js';
export type { AuthFailure, AuthFailureAggregatorOptions } from './auth-failures.js';
export { canonicalAuditJson, chainHash, GENESIS_HASH } from './chain.js';
