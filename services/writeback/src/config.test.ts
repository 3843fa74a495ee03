import { loadConfig } from '@carerelay/config';
import {
  commonConfigSchema,
  runService,
  serviceTransportSettings,
  transportViolations,
} from '@carerelay/runtime';
import { describe, expect, it } from 'vitest';
import { writebackConfigSchema, writebackTransports } from './config.js';

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
  SMART_CLIENT_ID: 'writeback',
  SMART_PRIVATE_KEY_FILE: '/nonexistent/smart.jwk',
  KEY_FILE: '/nonexistent/keys',
};
const SECURE = {
  FHIR_BASE_URL: 'https://ehr.example.org/fhir/R4',
  REDIS_URL: `rediss://:${PASSWORD}@redis.internal:6380`,
};
const INSECURE = {
  FHIR_BASE_URL: 'http://ehr.example.org/fhir/R4',
  REDIS_URL: `redis://:${PASSWORD}@redis.internal:6379`,
};

function violations(env: Record<string, string>): string[] {
  const common = loadConfig(commonConfigSchema, env);
  const own = loadConfig(writebackConfigSchema, env);
  return transportViolations(
    common.CARERELAY_PROFILE,
    serviceTransportSettings(writebackTransports, common, own, env),
  ).map((v) => v.name);
}

describe('writeback under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual(['FHIR_BASE_URL', 'REDIS_URL']);
  });

  it('fails at start on an http:// FHIR base URL, naming the variable, before connecting to anything', async () => {
    const started = runService({
      name: 'writeback',
      configSchema: writebackConfigSchema,
      transports: writebackTransports,
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
