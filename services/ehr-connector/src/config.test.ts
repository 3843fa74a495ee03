import { describe, expect, it } from 'vitest';
import { PRODUCTION_KAFKA_ENV, productionProfileOf, TEST_PASSWORD } from '@carerelay/runtime/testing';
import { ehrConnectorConfigSchema, ehrConnectorTransports } from './config.js';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  ...PRODUCTION_KAFKA_ENV,
  SMART_CLIENT_ID: 'connector',
  SMART_PRIVATE_KEY_FILE: '/nonexistent/smart.jwk',
  KEY_FILE: '/nonexistent/keys',
  TENANT_ID: 'tenant-a',
};
const SECURE = {
  FHIR_BASE_URL: 'https://ehr.example.org/fhir/R4',
  SMART_TOKEN_ENDPOINT: 'https://ehr.example.org/oauth/token',
  AUTH_JWKS_URL: 'https://idp.example.org/jwks',
  REDIS_URL: `rediss://:${TEST_PASSWORD}@redis.internal:6380`,
};
const INSECURE = {
  FHIR_BASE_URL: 'http://ehr.example.org/fhir/R4',
  SMART_TOKEN_ENDPOINT: 'http://ehr.example.org/oauth/token',
  AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks',
  REDIS_URL: `redis://:${TEST_PASSWORD}@redis.internal:6379`,
};

const profile = productionProfileOf('ehr-connector', ehrConnectorConfigSchema, ehrConnectorTransports);
const violations = profile.refused;

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
    const error = await profile.startError({
      ...PRODUCTION,
      ...SECURE,
      FHIR_BASE_URL: INSECURE.FHIR_BASE_URL,
    });
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - FHIR_BASE_URL (http://ehr.example.org/fhir/R4) is http://, production requires https://',
    );
    expect(error?.message).not.toContain(TEST_PASSWORD);
  });
});
