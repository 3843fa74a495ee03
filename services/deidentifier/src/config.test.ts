import { describe, expect, it } from 'vitest';
import { PRODUCTION_KAFKA_ENV, productionProfileOf, TEST_PASSWORD } from '@carerelay/runtime/testing';
import { deidentifierConfigSchema, deidentifierTransports } from './config.js';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  ...PRODUCTION_KAFKA_ENV,
  KEY_FILE: '/nonexistent/keys',
};
const SECURE = {
  REDIS_URL: `rediss://:${TEST_PASSWORD}@redis.internal:6380`,
};
const INSECURE = {
  REDIS_URL: `redis://:${TEST_PASSWORD}@redis.internal:6379`,
};

const profile = productionProfileOf('deidentifier', deidentifierConfigSchema, deidentifierTransports);
const violations = profile.refused;

describe('deidentifier under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual(['REDIS_URL']);
  });

  it('fails at start on redis:// without TLS, naming the variable, before connecting to anything', async () => {
    const error = await profile.startError({ ...PRODUCTION, ...SECURE, REDIS_URL: INSECURE.REDIS_URL });
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - REDIS_URL (redis://redis.internal:6379) is Redis without TLS (redis://), production requires rediss://',
    );
    expect(error?.message).not.toContain(TEST_PASSWORD);
  });
});
