export { auditEvent, AuditTrail, deadLetterFacts } from './audit-event.js';
export type { AuditFacts } from './audit-event.js';
export { canonicalAuditJson, chainHash, GENESIS_HASH } from './chain.js';
