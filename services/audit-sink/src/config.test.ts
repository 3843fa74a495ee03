import { loadConfig } from '@carerelay/config';
import {
  commonConfigSchema,
  runService,
  serviceTransportSettings,
  transportViolations,
} from '@carerelay/runtime';
import { describe, expect, it } from 'vitest';
import { auditSinkConfigSchema, auditSinkTransports } from './config.js';

const PASSWORD = 'Pr0d-Pa55word-never-in-errors';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  CARERELAY_PROFILE: 'production',
  KAFKA_BROKERS: '127.0.0.1:1',
  KAFKA_SSL: 'true',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: PASSWORD,
  SCHEMA_REGISTRY_URL: 'https://registry.internal',
};
const SECURE = {
  AUDIT_API_JWKS_URL: 'https://idp.example.org/jwks',
  AUDIT_DATABASE_URL: `postgres://writer:${PASSWORD}@db.internal/audit?sslmode=verify-full`,
  AUDIT_ADMIN_DATABASE_URL: `postgres://owner:${PASSWORD}@db.internal/audit?sslmode=verify-full`,
  AUDIT_READER_DATABASE_URL: `postgres://reader:${PASSWORD}@db.internal/audit?sslmode=verify-full`,
};
const INSECURE = {
  AUDIT_API_JWKS_URL: 'http://idp.example.org/jwks',
  AUDIT_DATABASE_URL: `postgres://writer:${PASSWORD}@db.internal/audit`,
  AUDIT_ADMIN_DATABASE_URL: `postgres://owner:${PASSWORD}@db.internal/audit?sslmode=require`,
  AUDIT_READER_DATABASE_URL: `postgres://reader:${PASSWORD}@db.internal/audit?sslmode=disable`,
};

function violations(env: Record<string, string>): string[] {
  const common = loadConfig(commonConfigSchema, env);
  const own = loadConfig(auditSinkConfigSchema, env);
  return transportViolations(
    common.CARERELAY_PROFILE,
    serviceTransportSettings(auditSinkTransports, common, own, env),
  ).map((v) => v.name);
}

describe('audit-sink under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual([
      'AUDIT_API_JWKS_URL',
      'AUDIT_DATABASE_URL',
      'AUDIT_ADMIN_DATABASE_URL',
      'AUDIT_READER_DATABASE_URL',
    ]);
  });

  it('fails at start on a Postgres URL without sslmode=verify-full, naming the variable, before connecting to anything', async () => {
    const started = runService({
      name: 'audit-sink',
      configSchema: auditSinkConfigSchema,
      transports: auditSinkTransports,
      createApp: () => {
        throw new Error('createApp must not be reached');
      },
      env: { ...PRODUCTION, ...SECURE, AUDIT_DATABASE_URL: INSECURE.AUDIT_DATABASE_URL },
    });
    const error = await started.then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - AUDIT_DATABASE_URL (postgres://db.internal/audit) has no sslmode and PGSSLMODE is unset, production requires sslmode=verify-full',
    );
    expect(error?.message).not.toContain(PASSWORD);
  });
});
