import { describe, expect, it } from 'vitest';
import { PRODUCTION_KAFKA_ENV, productionProfileOf, TEST_PASSWORD } from '@carerelay/runtime/testing';
import { auditSinkConfigSchema, auditSinkTransports } from './config.js';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  ...PRODUCTION_KAFKA_ENV,
};
const SECURE = {
  AUDIT_API_JWKS_URL: 'https://idp.example.org/jwks',
  AUDIT_DATABASE_URL: `postgres://writer:${TEST_PASSWORD}@db.internal/audit?sslmode=verify-full`,
  AUDIT_ADMIN_DATABASE_URL: `postgres://owner:${TEST_PASSWORD}@db.internal/audit?sslmode=verify-full`,
  AUDIT_READER_DATABASE_URL: `postgres://reader:${TEST_PASSWORD}@db.internal/audit?sslmode=verify-full`,
};
const INSECURE = {
  AUDIT_API_JWKS_URL: 'http://idp.example.org/jwks',
  AUDIT_DATABASE_URL: `postgres://writer:${TEST_PASSWORD}@db.internal/audit`,
  AUDIT_ADMIN_DATABASE_URL: `postgres://owner:${TEST_PASSWORD}@db.internal/audit?sslmode=require`,
  AUDIT_READER_DATABASE_URL: `postgres://reader:${TEST_PASSWORD}@db.internal/audit?sslmode=disable`,
};

const profile = productionProfileOf('audit-sink', auditSinkConfigSchema, auditSinkTransports);
const violations = profile.refused;

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
    const error = await profile.startError({
      ...PRODUCTION,
      ...SECURE,
      AUDIT_DATABASE_URL: INSECURE.AUDIT_DATABASE_URL,
    });
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - AUDIT_DATABASE_URL (postgres://db.internal/audit) has no sslmode and PGSSLMODE is unset, production requires sslmode=verify-full',
    );
    expect(error?.message).not.toContain(TEST_PASSWORD);
  });
});
