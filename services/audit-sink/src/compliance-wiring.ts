import { readFileSync } from 'node:fs';
import { AuditTrail } from '@carerelay/audit';
import type { Bus } from '@carerelay/bus';
import { ConfigError, type ConfigOf } from '@carerelay/config';
import type { Logger } from '@carerelay/logger';
import pg from 'pg';
import { createComplianceApi, type ComplianceApi } from './api/index.js';
import type { auditSinkConfigSchema } from './config.js';
import { verifyChain } from './store/index.js';

export interface RunningComplianceApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The compliance API of a distributed audit-sink, from its configuration: a SELECT-only
 * pool (carerelay_audit_reader), chain verification on it, officers' tokens checked
 * against the identity provider. Undefined when AUDIT_API_PORT is not set.
 */
export function complianceApiFromConfig(
  config: ConfigOf<typeof auditSinkConfigSchema>,
  deps: { readonly bus: Bus; readonly logger: Logger; readonly service: string },
): { start(): Promise<RunningComplianceApi> } | undefined {
  if (config.AUDIT_API_PORT === undefined) return undefined;
  const problems: string[] = [];
  if (!config.AUDIT_READER_DATABASE_URL)
    problems.push('AUDIT_READER_DATABASE_URL: required with AUDIT_API_PORT');
  if (!config.AUDIT_API_JWT_ISSUER) problems.push('AUDIT_API_JWT_ISSUER: required with AUDIT_API_PORT');
  if (!config.AUDIT_API_JWKS_URL === !config.AUDIT_API_JWT_PUBLIC_KEY_FILE) {
    problems.push('AUDIT_API_JWKS_URL or AUDIT_API_JWT_PUBLIC_KEY_FILE: set exactly one with AUDIT_API_PORT');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    start: async () => {
      const reader = new pg.Pool({
        connectionString: config.AUDIT_READER_DATABASE_URL,
        max: 4,
        statement_timeout: config.AUDIT_API_STATEMENT_TIMEOUT_MS,
        application_name: 'carerelay-compliance-api',
      });
      reader.on('error', (err: Error & { code?: string }) =>
        deps.logger.warn({ errorCode: err.code ?? 'AUDIT_READER_CONNECTION_LOST' }, 'compliance pool error'),
      );
      const api: ComplianceApi = createComplianceApi({
        pool: reader,
        verifier: (tenantId, range) => verifyChain(reader, tenantId, range),
        audit: new AuditTrail(deps.bus, deps.service),
        auth: {
          ...(config.AUDIT_API_JWKS_URL
            ? { jwksUrl: config.AUDIT_API_JWKS_URL }
            : { publicKeyPem: readFileSync(config.AUDIT_API_JWT_PUBLIC_KEY_FILE, 'utf8') }),
          issuer: config.AUDIT_API_JWT_ISSUER,
          audience: config.AUDIT_API_JWT_AUDIENCE,
          algorithms: config.AUDIT_API_JWT_ALGORITHMS,
        },
        log: deps.logger,
        limits: {
          maxRangeDays: config.AUDIT_API_MAX_RANGE_DAYS,
          exportMaxRows: config.AUDIT_API_EXPORT_MAX_ROWS,
        },
      });
      const url = await api.listen(config.AUDIT_API_PORT, config.AUDIT_API_HOST);
      deps.logger.info({ url }, 'compliance API listening');
      return {
        url,
        close: async () => {
          await api.close();
          await reader.end();
        },
      };
    },
  };
}
