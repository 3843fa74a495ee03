import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configFingerprint } from './fingerprint.js';
import { bool, int, list, loadConfig, str, url } from './load-config.js';

const schema = {
  KAFKA_BROKERS: list({ description: 'Kafka bootstrap servers' }),
  PORT: int({ description: 'ops port', default: 8080 }),
  DATABASE_URL: url({ description: 'store' }),
  API_KEY: str({ description: 'key', secret: true }),
  TRACE: bool({ description: 'tracing', optional: true }),
};

const SECRET = 'sk-live-Zq7xW9pL2mN4vB8cR1tY6uI3oP5aS0dF';
const PASSWORD = 'hunter2-correct-horse';
const env = {
  KAFKA_BROKERS: 'broker-a.internal:9092,broker-b.internal:9092',
  DATABASE_URL: `postgres://writer:${PASSWORD}@db.internal:5432/audit`,
  API_KEY: SECRET,
};

describe('configFingerprint', () => {
  it('gives the same digest for the same configuration in any key order', () => {
    const config = loadConfig(schema, env);
    const reversed = Object.fromEntries(Object.entries(config).reverse());
    const reorderedSchema = Object.fromEntries(Object.entries(schema).reverse());

    expect(configFingerprint(reorderedSchema, reversed)).toEqual(configFingerprint(schema, config));
  });

  it('hashes every variable of the schema, an absent one as unset', () => {
    const { keys } = configFingerprint(schema, loadConfig(schema, env));

    expect(Object.keys(keys).sort()).toEqual(['API_KEY', 'DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'TRACE']);
    expect(keys.TRACE).toBe('unset');
    expect(keys.PORT).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes the canonical JSON of the effective value, truncated to 16 hex chars', () => {
    const { keys, digest } = configFingerprint(schema, loadConfig(schema, env));
    const expected = createHash('sha256').update('8080').digest('hex').slice(0, 16);
    const lines = Object.keys(keys)
      .sort()
      .map((key) => `${key}=${keys[key]}`)
      .join('\n');

    expect(keys.PORT).toBe(expected);
    expect(digest).toBe(createHash('sha256').update(lines).digest('hex'));
  });

  it('changes only the changed key’s hash, and the digest, when one value changes', () => {
    const before = configFingerprint(schema, loadConfig(schema, env));
    const after = configFingerprint(schema, loadConfig(schema, { ...env, PORT: '8081' }));

    expect(after.digest).not.toBe(before.digest);
    const changed = Object.keys(before.keys).filter((key) => before.keys[key] !== after.keys[key]);
    expect(changed).toEqual(['PORT']);
  });

  it('derives nothing from a secret (set or unset) nor from a password in a URL', () => {
    const before = configFingerprint(schema, loadConfig(schema, env));
    const rotated = configFingerprint(
      schema,
      loadConfig(schema, {
        ...env,
        API_KEY: `${SECRET}-rotated`,
        DATABASE_URL: 'postgres://writer:another-password@db.internal:5432/audit',
      }),
    );
    const otherHost = configFingerprint(
      schema,
      loadConfig(schema, { ...env, DATABASE_URL: `postgres://writer:${PASSWORD}@db2.internal:5432/audit` }),
    );

    expect(before.keys.API_KEY).toBe('set');
    expect(rotated).toEqual(before);
    // The URL's hash is the hash of the URL without its password, so it still names a move.
    expect(before.keys.DATABASE_URL).toBe(
      createHash('sha256').update('"postgres://writer@db.internal:5432/audit"').digest('hex').slice(0, 16),
    );
    expect(otherHost.keys.DATABASE_URL).not.toBe(before.keys.DATABASE_URL);
  });

  it('never contains a value: not a secret, not a password in a URL, not a host', () => {
    const output = JSON.stringify(configFingerprint(schema, loadConfig(schema, env)));

    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain('db.internal');
    expect(output).not.toContain('broker-a.internal');
  });
});
