import { describe, expect, it } from 'vitest';
import { ConfigError, int, list, loadConfig, str, url } from './load-config.js';

const schema = {
  KAFKA_BROKERS: list({ description: 'Kafka bootstrap servers' }),
  PORT: int({ description: 'ops port', min: 1, max: 65535, default: 8080 }),
  REGISTRY: url({ description: 'schema registry', protocols: ['http', 'https'] }),
  API_KEY: str({ description: 'key', secret: true, optional: true }),
};

describe('loadConfig', () => {
  it('names every missing or invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', REGISTRY: 'not a url' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.some((p) => p.startsWith('KAFKA_BROKERS is required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORT="70000" must be <= 65535'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REGISTRY="not a url" must be an absolute URL'))).toBe(true);
  });

  it('never echoes a secret value in an error', () => {
    const secretSchema = { API_KEY: int({ description: 'numeric key', secret: true }) };
    expect(() => loadConfig(secretSchema, { API_KEY: 'sk-very-secret' })).toThrow(/API_KEY=<redacted>/);
    expect(() => loadConfig(secretSchema, { API_KEY: 'sk-very-secret' })).not.toThrow(/sk-very-secret/);
  });

  it('applies defaults and parses typed values', () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      REGISTRY: 'http://r/',
    });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.PORT).toBe(8080);
    expect(config.REGISTRY).toBe('http://r');
    expect(config.API_KEY).toBeUndefined();
  });
});
