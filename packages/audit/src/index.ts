export { auditEvent, AuditTrail } from './audit-event.js';
export type { AuditFacts } from './audit-event.js';
