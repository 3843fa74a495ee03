import { describe, expect, it } from 'vitest';
import { CareRelayError } from '@carerelay/errors';
import {
  assertProductionTransport,
  redactUrl,
  transportViolations,
  type TransportSettings,
} from './production-profile.js';
import { runService } from './run-service.js';

const SECRET = 'Sup3r-S3cret-pw';

/** A production deployment done right: nothing to refuse. */
const SECURE: TransportSettings = {
  urls: [
    { name: 'FHIR_BASE_URL', kind: 'https', value: 'https://ehr.example.org/fhir/R4' },
    { name: 'AUTH_JWKS_URL', kind: 'https', value: 'https://idp.example.org/.well-known/jwks.json' },
    { name: 'AUTH_UNSET_JWKS_URL', kind: 'https', value: undefined },
    { name: 'REDIS_URL', kind: 'redis', value: `rediss://:${SECRET}@redis.internal:6380/0` },
    {
      name: 'AUDIT_DATABASE_URL',
      kind: 'postgres',
      value: `postgres://writer:${SECRET}@db.internal:5432/audit?sslmode=verify-full`,
    },
  ],
  kafka: { tls: true, sasl: true, mtls: false },
};

/** The same deployment copied from a laptop: every class of plaintext transport, with credentials. */
const INSECURE: TransportSettings = {
  urls: [
    { name: 'FHIR_BASE_URL', kind: 'https', value: 'http://ehr.example.org/fhir/R4' },
    { name: 'AUTH_JWKS_URL', kind: 'https', value: 'http://127.0.0.1:8443/jwks' },
    { name: 'AZURE_OPENAI_ENDPOINT', kind: 'https', value: `http://key:${SECRET}@aoai.example.org` },
    { name: 'REDIS_URL', kind: 'redis', value: `redis://:${SECRET}@redis.internal:6379/0` },
    {
      name: 'AUDIT_DATABASE_URL',
      kind: 'postgres',
      value: `postgres://writer:${SECRET}@db.internal:5432/audit?sslmode=require`,
    },
    {
      name: 'AUDIT_READER_DATABASE_URL',
      kind: 'postgres',
      value: `postgresql://reader@db.internal/audit?password=${SECRET}`,
    },
  ],
  kafka: { tls: false, sasl: false, mtls: false },
};

function thrown(profile: string, settings: TransportSettings): CareRelayError {
  try {
    assertProductionTransport(profile, settings);
  } catch (err) {
    expect(err).toBeInstanceOf(CareRelayError);
    return err as CareRelayError;
  }
  throw new Error('expected CONFIG_INSECURE_TRANSPORT');
}

describe('production profile: transports', () => {
  it('accepts https, rediss, sslmode=verify-full and Kafka with TLS and SCRAM', () => {
    expect(transportViolations('production', SECURE)).toEqual([]);
    expect(() => assertProductionTransport('production', SECURE)).not.toThrow();
  });

  it('reports every insecure transport at once, each by variable name', () => {
    expect(transportViolations('production', INSECURE).map((v) => v.name)).toEqual([
      'FHIR_BASE_URL',
      'AUTH_JWKS_URL',
      'AZURE_OPENAI_ENDPOINT',
      'REDIS_URL',
      'AUDIT_DATABASE_URL',
      'AUDIT_READER_DATABASE_URL',
      'KAFKA_SSL',
      'KAFKA_SASL_MECHANISM',
    ]);
  });

  it('throws CONFIG_INSECURE_TRANSPORT with a message naming each variable and why', () => {
    const error = thrown('production', INSECURE);
    expect(error.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({
      variables:
        'FHIR_BASE_URL,AUTH_JWKS_URL,AZURE_OPENAI_ENDPOINT,REDIS_URL,AUDIT_DATABASE_URL,AUDIT_READER_DATABASE_URL,KAFKA_SSL,KAFKA_SASL_MECHANISM',
    });
    expect(error.message.split('\n')).toEqual([
      'CARERELAY_PROFILE=production refuses 8 insecure transport setting(s):',
      '  - FHIR_BASE_URL (http://ehr.example.org/fhir/R4) is http://, production requires https://',
      '  - AUTH_JWKS_URL (http://127.0.0.1:8443/jwks) is http://, production requires https://',
      '  - AZURE_OPENAI_ENDPOINT (http://aoai.example.org) is http://, production requires https://',
      '  - REDIS_URL (redis://redis.internal:6379/0) is Redis without TLS (redis://), production requires rediss://',
      '  - AUDIT_DATABASE_URL (postgres://db.internal:5432/audit) has sslmode=require, production requires sslmode=verify-full',
      '  - AUDIT_READER_DATABASE_URL (postgresql://db.internal/audit) has no sslmode and PGSSLMODE is unset, production requires sslmode=verify-full',
      '  - KAFKA_SSL is not true: Kafka without TLS, production requires KAFKA_SSL=true',
      '  - KAFKA_SASL_MECHANISM is unset and there is no KAFKA_SSL_CERT_FILE: Kafka without client authentication, production requires SCRAM or an mTLS certificate',
    ]);
  });

  it('never echoes credentials: userinfo, passwords and query strings are stripped', () => {
    const error = thrown('production', INSECURE);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('writer');
    expect(error.message).not.toContain('key:');
    expect(redactUrl(`redis://user:${SECRET}@h:1/2?x=${SECRET}#${SECRET}`)).toBe('redis://h:1/2');
  });

  it('does not exempt loopback endpoints', () => {
    const violations = transportViolations('production', {
      urls: [{ name: 'OPENAI_COMPATIBLE_BASE_URL', kind: 'https', value: 'http://localhost:8000/v1' }],
    });
    expect(violations.map((v) => v.name)).toEqual(['OPENAI_COMPATIBLE_BASE_URL']);
  });

  it('Postgres: PGSSLMODE=verify-full covers URLs without sslmode, never one that names another mode', () => {
    const urls = [
      { name: 'A_URL', kind: 'postgres', value: 'postgres://db/a' },
      { name: 'B_URL', kind: 'postgres', value: 'postgres://db/b?sslmode=disable' },
      // node-postgres applies the last sslmode: a trailing downgrade is refused.
      { name: 'C_URL', kind: 'postgres', value: 'postgres://db/c?sslmode=verify-full&sslmode=prefer' },
    ] as const;
    expect(transportViolations('production', { urls, pgSslMode: 'verify-full' })).toEqual([
      {
        name: 'B_URL',
        reason: '(postgres://db/b) has sslmode=disable, production requires sslmode=verify-full',
      },
      {
        name: 'C_URL',
        reason: '(postgres://db/c) has sslmode=prefer, production requires sslmode=verify-full',
      },
    ]);
    expect(
      transportViolations('production', { urls: [urls[0]], pgSslMode: 'require' }).map((v) => v.reason),
    ).toEqual([
      '(postgres://db/a) has no sslmode and PGSSLMODE is "require", production requires sslmode=verify-full',
    ]);
  });

  it('Kafka: TLS with an mTLS certificate is enough; SCRAM without TLS is not', () => {
    expect(
      transportViolations('production', { urls: [], kafka: { tls: true, sasl: false, mtls: true } }),
    ).toEqual([]);
    expect(
      transportViolations('production', { urls: [], kafka: { tls: false, sasl: true, mtls: false } }).map(
        (v) => v.name,
      ),
    ).toEqual(['KAFKA_SSL']);
  });

  it('the local profile checks nothing (development runs on http, redis:// and plaintext Kafka)', () => {
    expect(transportViolations('local', INSECURE)).toEqual([]);
    expect(() => assertProductionTransport('local', INSECURE)).not.toThrow();
  });
});

describe('runService under the production profile', () => {
  it('refuses plaintext Kafka before connecting to anything (a service with no endpoints of its own)', async () => {
    // Port 1 on loopback: had the service tried to connect, it would fail with another error, later.
    const started = runService({
      name: 'profile-test',
      configSchema: {},
      transports: {},
      createApp: () => {
        throw new Error('createApp must not be reached');
      },
      env: {
        CARERELAY_PROFILE: 'production',
        KAFKA_BROKERS: '127.0.0.1:1',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      },
    });
    await expect(started).rejects.toMatchObject({
      code: 'CONFIG_INSECURE_TRANSPORT',
      details: { variables: 'KAFKA_SSL,KAFKA_SASL_MECHANISM' },
    });
  });
});
