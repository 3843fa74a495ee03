import { loadConfig } from '@carerelay/config';
import {
  commonConfigSchema,
  runService,
  serviceTransportSettings,
  transportViolations,
} from '@carerelay/runtime';
import { describe, expect, it } from 'vitest';
import { llmWorkerConfigSchema, llmWorkerTransports } from './config.js';

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
  FINGERPRINT_KEY_FILE: '/nonexistent/fingerprints',
  LLM_PROVIDER: 'azure-openai',
};
const SECURE = {
  REDIS_URL: `rediss://:${PASSWORD}@redis.internal:6380`,
  AZURE_OPENAI_ENDPOINT: 'https://aoai.example.org',
  OPENAI_COMPATIBLE_BASE_URL: 'https://llm.internal/v1',
};
const INSECURE = {
  REDIS_URL: `redis://:${PASSWORD}@redis.internal:6379`,
  AZURE_OPENAI_ENDPOINT: 'http://aoai.example.org',
  OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:8000/v1',
};

function violations(env: Record<string, string>): string[] {
  const common = loadConfig(commonConfigSchema, env);
  const own = loadConfig(llmWorkerConfigSchema, env);
  return transportViolations(
    common.CARERELAY_PROFILE,
    serviceTransportSettings(llmWorkerTransports, common, own, env),
  ).map((v) => v.name);
}

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
    const started = runService({
      name: 'llm-worker',
      configSchema: llmWorkerConfigSchema,
      transports: llmWorkerTransports,
      createApp: () => {
        throw new Error('createApp must not be reached');
      },
      env: { ...PRODUCTION, ...SECURE, AZURE_OPENAI_ENDPOINT: INSECURE.AZURE_OPENAI_ENDPOINT },
    });
    const error = await started.then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(error?.code).toBe('CONFIG_INSECURE_TRANSPORT');
    expect(error?.message).toBe(
      'CARERELAY_PROFILE=production refuses 1 insecure transport setting(s):\n' +
        '  - AZURE_OPENAI_ENDPOINT (http://aoai.example.org) is http://, production requires https://',
    );
    expect(error?.message).not.toContain(PASSWORD);
  });
});
