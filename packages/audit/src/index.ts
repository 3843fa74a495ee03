export { auditEvent, AuditTrail, deadLetterFacts } from './audit-event.js';
export type { AuditFacts } from './audit-event.js';
