import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@carerelay/config';
import { kafkaConfigSchema, kafkaSettingsFromConfig } from './kafka-config.js';

const PASSWORD = 'Scram-Pa55word-never-in-errors';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-config-'));
const pem = (name: string, body: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body, { mode: 0o600 });
  return file;
};
const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nclient-key-secret\n-----END PRIVATE KEY-----\n';

const settings = (env: Record<string, string>): ReturnType<typeof kafkaSettingsFromConfig> =>
  kafkaSettingsFromConfig(loadConfig(kafkaConfigSchema, { KAFKA_BROKERS: 'k1:9093,k2:9093', ...env }));

/** The problems of a ConfigError thrown by `load`, or a failure if none is thrown. */
function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.join('\n')).not.toContain(PASSWORD);
    expect(problems.join('\n')).not.toContain('client-key-secret');
    return problems;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka connection from the environment', () => {
  it('local profile: plaintext, no authentication, topics 1/1', () => {
    expect(settings({})).toEqual({
      connection: { brokers: ['k1:9093', 'k2:9093'], ssl: false },
      topics: { replicationFactor: 1, minInsyncReplicas: 1 },
    });
  });

  it('production profile: SCRAM over TLS with the CA file, topics 3/2 by default', () => {
    const ca = pem('ca.pem', CA);
    const result = settings({
      CARERELAY_PROFILE: 'production',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'deidentifier',
      KAFKA_SASL_PASSWORD_FILE: pem('password', `${PASSWORD}\n`),
    });
    expect(result.topics).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(result.connection.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'deidentifier',
      password: PASSWORD,
    });
    expect(result.connection.ssl).toEqual({ ca: Buffer.from(CA) });
  });

  it('production profile: mTLS with a client certificate and key is authentication enough', () => {
    const result = settings({
      CARERELAY_PROFILE: 'production',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CERT_FILE: pem('client.pem', CERT),
      KAFKA_SSL_KEY_FILE: pem('client.key', KEY),
      KAFKA_REPLICATION_FACTOR: '5',
      KAFKA_MIN_INSYNC_REPLICAS: '3',
    });
    expect(result.connection).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      ssl: { cert: Buffer.from(CERT), key: Buffer.from(KEY) },
    });
    expect(result.topics).toEqual({ replicationFactor: 5, minInsyncReplicas: 3 });
  });

  it('refuses the production profile without TLS and without client authentication, naming both', () => {
    expect(problemsOf(() => settings({ CARERELAY_PROFILE: 'production' }))).toEqual([
      'CARERELAY_PROFILE=production requires KAFKA_SSL=true',
      'CARERELAY_PROFILE=production requires Kafka client authentication: KAFKA_SASL_* (scram-sha-512) or KAFKA_SSL_CERT_FILE/KAFKA_SSL_KEY_FILE',
    ]);
  });

  it('refuses SASL without TLS unless KAFKA_ALLOW_PLAINTEXT_SASL, and that flag in production', () => {
    const scram = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: PASSWORD,
    };
    expect(problemsOf(() => settings(scram))).toEqual([
      'KAFKA_SASL_MECHANISM without KAFKA_SSL=true: set KAFKA_ALLOW_PLAINTEXT_SASL=true for a local test broker',
    ]);
    expect(settings({ ...scram, KAFKA_ALLOW_PLAINTEXT_SASL: 'true' }).connection).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      ssl: false,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: PASSWORD },
    });
    expect(
      problemsOf(() =>
        settings({
          ...scram,
          KAFKA_ALLOW_PLAINTEXT_SASL: 'true',
          KAFKA_SSL: 'true',
          CARERELAY_PROFILE: 'production',
        }),
      ),
    ).toEqual(['KAFKA_ALLOW_PLAINTEXT_SASL is refused by CARERELAY_PROFILE=production']);
  });

  it('refuses half a SASL or mTLS configuration, TLS files without KAFKA_SSL, and min ISR above replicas', () => {
    const problems = problemsOf(() =>
      settings({
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SSL_CERT_FILE: pem('only-cert.pem', CERT),
        KAFKA_REPLICATION_FACTOR: '2',
        KAFKA_MIN_INSYNC_REPLICAS: '3',
      }),
    );
    expect(problems).toEqual([
      'KAFKA_SSL_CERT_FILE is set but KAFKA_SSL is false: set KAFKA_SSL=true to use TLS',
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mTLS needs the certificate and its key)',
      'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) go together',
      'KAFKA_SASL_MECHANISM without KAFKA_SSL=true: set KAFKA_ALLOW_PLAINTEXT_SASL=true for a local test broker',
      'KAFKA_MIN_INSYNC_REPLICAS (3) exceeds KAFKA_REPLICATION_FACTOR (2): no write could ever succeed',
    ]);
  });

  it('names an unreadable TLS file by its variable, and rejects a mechanism other than SCRAM-SHA-512', () => {
    const missing = path.join(dir, 'absent-ca.pem');
    expect(problemsOf(() => settings({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing }))).toEqual([
      `KAFKA_SSL_CA_FILE=${JSON.stringify(missing)} cannot be read (ENOENT)`,
    ]);
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(
      /KAFKA_SASL_MECHANISM="plain" must be one of: scram-sha-512/,
    );
  });
});
