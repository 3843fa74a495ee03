import { loadConfig } from '@carerelay/config';
import {
  commonConfigSchema,
  runService,
  serviceTransportSettings,
  transportViolations,
} from '@carerelay/runtime';
import { describe, expect, it } from 'vitest';
import { ehrConnectorConfigSchema, ehrConnectorTransports } from './config.js';

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
  SMART_CLIENT_ID: 'connector',
  SMART_PRIVATE_KEY_FILE: '/nonexistent/smart.jwk',
  KEY_FILE: '/nonexistent/keys',
  TENANT_ID: 'tenant-a',
};
const SECURE = {
  FHIR_BASE_URL: 'https://ehr.example.org/fhir/R4',
  SMART_TOKEN_ENDPOINT: 'https://ehr.example.org/oauth/token',
  AUTH_JWKS_URL: 'https://idp.example.org/jwks',
  REDIS_URL: `rediss://:${PASSWORD}@redis.internal:6380`,
};
const INSECURE = {
  FHIR_BASE_URL: 'http://ehr.example.org/fhir/R4',
  SMART_TOKEN_ENDPOINT: 'http://ehr.example.org/oauth/token',
  AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks',
  REDIS_URL: `redis://:${PASSWORD}@redis.internal:6379`,
};

function violations(env: Record<string, string>): string[] {
  const common = loadConfig(commonConfigSchema, env);
  const own = loadConfig(ehrConnectorConfigSchema, env);
  return transportViolations(
    common.CARERELAY_PROFILE,
    serviceTransportSettings(ehrConnectorTransports, common, own, env),
  ).map((v) => v.name);
}

describe('ehr-connector under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual([
      'FHIR_BASE_URL',
      'SMART_TOKEN_ENDPOINT',
      'AUTH_JWKS_URL',
      'REDIS_URL',
    ]);
  });

  it('fails at start on an http:// FHIR base URL, naming the variable, before connecting to anything', async () => {
    const started = runService({
      name: 'ehr-connector',
      configSchema: ehrConnectorConfigSchema,
      transports: ehrConnectorTransports,
      createApp: () => {
        throw new Error('createApp must not be reached');
      },
      env: { ...PRODUCTION, ...SECURE, FHIR_BASE_URL: INSECURE.FHIR_BASE_URL },
    });
    const error = await started.then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - FHIR_BASE_URL (http://ehr.example.org/fhir/R4) is http://, production requires https://',
    );
    expect(error?.message).not.toContain(PASSWORD);
  });
});
