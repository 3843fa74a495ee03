export { databaseUrl } from './database-url.js';
export { AuditStore } from './audit-store.js';
export type { AppendResult, AuditStoreOptions } from './audit-store.js';
export { isRecordFault, storeError } from './errors.js';
export { MIGRATIONS_DIR, migrateAuditStore, readMigrations } from './migrate.js';
export type { MigrateOptions, Migration } from './migrate.js';
export { MonthPartitions, addMonths, monthOf } from './partitions.js';
export { MIN_RETENTION_MONTHS, dropExpiredPartitions } from './retention.js';
export { EVENT_COLUMNS, eventFromRow, occurredAtMs } from './rows.js';
export type { AuditEventRow } from './rows.js';
export { verifyChain } from './verify.js';
export type {
  ChainAnchor,
  ChainBreak,
  ChainBreakReason,
  ChainVerification,
  VerifyRange,
} from './verify.js';
