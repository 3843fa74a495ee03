import { describe, expect, it } from 'vitest';
import { PRODUCTION_KAFKA_ENV, productionProfileOf, TEST_PASSWORD } from '@carerelay/runtime/testing';
import { llmWorkerConfigSchema, llmWorkerTransports } from './config.js';

/** Production with authenticated TLS to Kafka: only the service's own endpoints vary. */
const PRODUCTION = {
  ...PRODUCTION_KAFKA_ENV,
  FINGERPRINT_KEY_FILE: '/nonexistent/fingerprints',
  LLM_PROVIDER: 'azure-openai',
};
const SECURE = {
  REDIS_URL: `rediss://:${TEST_PASSWORD}@redis.internal:6380`,
  AZURE_OPENAI_ENDPOINT: 'https://aoai.example.org',
  OPENAI_COMPATIBLE_BASE_URL: 'https://llm.internal/v1',
};
const INSECURE = {
  REDIS_URL: `redis://:${TEST_PASSWORD}@redis.internal:6379`,
  AZURE_OPENAI_ENDPOINT: 'http://aoai.example.org',
  OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:8000/v1',
};

const profile = productionProfileOf('llm-worker', llmWorkerConfigSchema, llmWorkerTransports);
const violations = profile.refused;

describe('llm-worker under CARERELAY_PROFILE=production', () => {
  it('accepts its endpoints over verified TLS', () => {
    expect(violations({ ...PRODUCTION, ...SECURE })).toEqual([]);
  });

  it('refuses every plaintext endpoint it declares', () => {
    expect(violations({ ...PRODUCTION, ...INSECURE })).toEqual([
      'AZURE_OPENAI_ENDPOINT',
      'OPENAI_COMPATIBLE_BASE_URL',
      'REDIS_URL',
    ]);
  });

  it('fails at start on an http:// model endpoint, naming the variable, before connecting to anything', async () => {
    const error = await profile.startError({
      ...PRODUCTION,
      ...SECURE,
      AZURE_OPENAI_ENDPOINT: INSECURE.AZURE_OPENAI_ENDPOINT,
    });
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - AZURE_OPENAI_ENDPOINT (http://aoai.example.org) is http://, production requires https://',
    );
    expect(error?.message).not.toContain(TEST_PASSWORD);
  });
});
