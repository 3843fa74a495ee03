// Test and bench helpers of the audit store (not for production paths).
export { createScratchDatabase, syntheticAuditEvent } from './store/testing.js';
export type { ScratchDatabase } from './store/testing.js';
