import { describe, expect, it } from 'vitest';
import { PRODUCTION_KAFKA_ENV, productionProfileOf, TEST_PASSWORD } from '@carerelay/runtime/testing';
import { writebackConfigSchema, writebackTransports } from './config.js';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  ...PRODUCTION_KAFKA_ENV,
  SMART_CLIENT_ID: 'writeback',
  SMART_PRIVATE_KEY_FILE: '/nonexistent/smart.jwk',
  KEY_FILE: '/nonexistent/keys',
};
const SECURE = {
  FHIR_BASE_URL: 'https://ehr.example.org/fhir/R4',
  REDIS_URL: `rediss://:${TEST_PASSWORD}@redis.internal:6380`,
};
const INSECURE = {
  FHIR_BASE_URL: 'http://ehr.example.org/fhir/R4',
  REDIS_URL: `redis://:${TEST_PASSWORD}@redis.internal:6379`,
};

const profile = productionProfileOf('writeback', writebackConfigSchema, writebackTransports);
const violations = profile.refused;

describe('writeback under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual(['FHIR_BASE_URL', 'REDIS_URL']);
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
