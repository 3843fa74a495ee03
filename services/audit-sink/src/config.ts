import { int, list, str, url } from '@carerelay/config';
import { MIN_RETENTION_MONTHS } from './store/retention.js';

const POSTGRES = ['postgres', 'postgresql'] as const;

/** Variables of audit-sink beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const auditSinkConfigSchema = {
  AUDIT_DATABASE_URL: url({
    description: 'Postgres of the audit store as carerelay_audit_writer (INSERT and SELECT only)',
    protocols: POSTGRES,
    secret: true,
  }),
  AUDIT_ADMIN_DATABASE_URL: url({
    description: 'the same database as the owner of schema audit: migrations and retention at start',
    protocols: POSTGRES,
    secret: true,
  }),
  AUDIT_RETENTION_MONTHS: int({
    description: 'months audit events are kept before whole monthly partitions are dropped (6 years minimum)',
    min: MIN_RETENTION_MONTHS,
    default: MIN_RETENTION_MONTHS,
  }),
  AUDIT_CONSUMER_GROUP: str({
    description: 'consumer group (a new group replays the whole audit topic, e.g. into a fresh store)',
    default: 'audit-sink',
  }),
  AUDIT_BATCH_SIZE: int({
    description: 'most audit events stored per transaction',
    min: 1,
    max: 20_000,
    default: 2_000,
  }),
  AUDIT_API_PORT: int({
    description: 'port of the compliance HTTP API (unset = the API is not started)',
    min: 0,
    max: 65_535,
    optional: true,
  }),
  AUDIT_API_HOST: str({ description: 'address the compliance API binds to', default: '127.0.0.1' }),
  AUDIT_READER_DATABASE_URL: url({
    description: 'the audit store as carerelay_audit_reader (SELECT only), for the compliance API',
    protocols: POSTGRES,
    secret: true,
    optional: true,
  }),
  AUDIT_API_JWKS_URL: url({
    description: "JWKS of the identity provider that signs compliance officers' tokens",
    protocols: ['https', 'http'],
    optional: true,
  }),
  AUDIT_API_JWT_PUBLIC_KEY_FILE: str({
    description: 'PEM public key of the token issuer (instead of AUDIT_API_JWKS_URL)',
    optional: true,
  }),
  AUDIT_API_JWT_ISSUER: str({ description: 'expected iss of officer tokens', optional: true }),
  AUDIT_API_JWT_AUDIENCE: str({
    description: 'expected aud of officer tokens',
    default: 'carerelay-compliance',
  }),
  AUDIT_API_JWT_ALGORITHMS: list({
    description: 'accepted token algorithms (asymmetric only)',
    default: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'],
  }),
  AUDIT_API_MAX_RANGE_DAYS: int({ description: 'widest time range of one search', min: 1, default: 400 }),
  AUDIT_API_EXPORT_MAX_ROWS: int({ description: 'most rows in one export answer', min: 1, default: 10_000 }),
  AUDIT_API_STATEMENT_TIMEOUT_MS: int({
    description: 'statement timeout of compliance queries',
    min: 100,
    default: 15_000,
  }),
} as const;

/**
 * The variables CARERELAY_PROFILE=production requires to be encrypted and verified, checked
 * at start before any connection (ServiceTransports in @carerelay/runtime production-profile.ts;
 * runServiceMain type-checks the names against the schema).
 */
export const auditSinkTransports = {
  https: ['AUDIT_API_JWKS_URL'],
  postgres: ['AUDIT_DATABASE_URL', 'AUDIT_ADMIN_DATABASE_URL', 'AUDIT_READER_DATABASE_URL'],
} as const;
