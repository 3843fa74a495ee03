export { createAuditSinkApp, SERVICE_NAME } from './app.js';
export type { AuditSinkOptions } from './app.js';
export { auditSinkConfigSchema } from './config.js';
export {
  AuditStore,
  databaseUrl,
  MIN_RETENTION_MONTHS,
  dropExpiredPartitions,
  eventFromRow,
  migrateAuditStore,
  verifyChain,
} from './store/index.js';
export type {
  AuditEventRow,
  ChainAnchor,
  ChainBreak,
  ChainVerification,
  VerifyRange,
} from './store/index.js';
export {
  accountingOfDisclosures,
  createComplianceApi,
  llmOpsMetrics,
  searchAuditEvents,
} from './api/index.js';
export type { ComplianceApi, ComplianceApiOptions } from './api/index.js';
export { complianceApiFromConfig } from './compliance-wiring.js';
