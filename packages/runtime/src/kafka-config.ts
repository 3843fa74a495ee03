import { readFileSync } from 'node:fs';
import type { KafkaConnection, KafkaTls, TopicAdminOptions } from '@carerelay/bus';
import { ConfigError, bool, int, list, oneOf, str, type ConfigOf } from '@carerelay/config';

/**
 * How services reach Kafka and how the topics they declare are replicated.
 *
 * CARERELAY_PROFILE=production requires TLS and client authentication (SASL/SCRAM-SHA-512
 * or an mTLS certificate) and creates topics with 3 replicas, min.insync.replicas 2; the
 * default profile, local, creates them with 1/1 (a single local broker).
 */
export const kafkaConfigSchema = {
  KAFKA_BROKERS: list({ description: 'Kafka bootstrap servers, comma-separated host:port' }),
  KAFKA_SSL: bool({ description: 'TLS to Kafka (required by the production profile)', default: false }),
  KAFKA_SSL_CA_FILE: str({
    description: 'PEM file of the CA(s) that signed the broker certificates (default: system CAs)',
    optional: true,
  }),
  KAFKA_SSL_CERT_FILE: str({
    description: 'PEM client certificate for mTLS (with KAFKA_SSL_KEY_FILE)',
    optional: true,
  }),
  KAFKA_SSL_KEY_FILE: str({ description: 'PEM private key of KAFKA_SSL_CERT_FILE', optional: true }),
  KAFKA_SASL_MECHANISM: oneOf(['scram-sha-512'], { description: 'SASL mechanism', optional: true }),
  KAFKA_SASL_USERNAME: str({ description: 'SASL/SCRAM user', optional: true }),
  KAFKA_SASL_PASSWORD: str({
    description: 'SASL/SCRAM password (or KAFKA_SASL_PASSWORD_FILE)',
    optional: true,
    secret: true,
    fromFile: true,
  }),
  KAFKA_ALLOW_PLAINTEXT_SASL: bool({
    description: 'allow SASL without TLS (local tests only; refused by the production profile)',
    default: false,
  }),
  CARERELAY_PROFILE: oneOf(['local', 'production'], {
    description:
      'deployment profile: production requires authenticated TLS to Kafka and replicates topics 3/2',
    default: 'local',
  }),
  KAFKA_REPLICATION_FACTOR: int({
    description: 'replicas per partition of created topics (default: 3 production, 1 local)',
    min: 1,
    optional: true,
  }),
  KAFKA_MIN_INSYNC_REPLICAS: int({
    description: 'min.insync.replicas of created topics (default: 2 production, 1 local)',
    min: 1,
    optional: true,
  }),
} as const;

export type KafkaConfig = ConfigOf<typeof kafkaConfigSchema>;

export interface KafkaSettings {
  readonly connection: KafkaConnection;
  readonly topics: Required<Pick<TopicAdminOptions, 'replicationFactor' | 'minInsyncReplicas'>>;
}

const PROFILE_REPLICATION = {
  local: { replicationFactor: 1, minInsyncReplicas: 1 },
  production: { replicationFactor: 3, minInsyncReplicas: 2 },
} as const;

/**
 * The Kafka connection and topic replication of a loaded configuration. Checks the variables
 * together and reads the TLS files; every problem is reported at once as a ConfigError naming
 * the variables (never a password, certificate or key).
 */
export function kafkaSettingsFromConfig(
  config: KafkaConfig,
  readFile: (file: string) => Buffer = (file) => readFileSync(file),
): KafkaSettings {
  const problems: string[] = [];
  const production = config.CARERELAY_PROFILE === 'production';

  const tlsFiles = {
    KAFKA_SSL_CA_FILE: config.KAFKA_SSL_CA_FILE,
    KAFKA_SSL_CERT_FILE: config.KAFKA_SSL_CERT_FILE,
    KAFKA_SSL_KEY_FILE: config.KAFKA_SSL_KEY_FILE,
  };
  const contents: Partial<Record<keyof typeof tlsFiles, Buffer>> = {};
  for (const [name, file] of Object.entries(tlsFiles) as [keyof typeof tlsFiles, string | undefined][]) {
    if (file === undefined) continue;
    if (!config.KAFKA_SSL)
      problems.push(`${name} is set but KAFKA_SSL is false: set KAFKA_SSL=true to use TLS`);
    try {
      contents[name] = readFile(file);
    } catch (err) {
      problems.push(
        `${name}=${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      );
    }
  }
  const mtls = config.KAFKA_SSL_CERT_FILE !== undefined;
  if (mtls !== (config.KAFKA_SSL_KEY_FILE !== undefined))
    problems.push(
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mTLS needs the certificate and its key)',
    );

  const saslVars = [config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD];
  const sasl = saslVars.some((v) => v !== undefined);
  if (sasl && saslVars.some((v) => v === undefined))
    problems.push(
      'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) go together',
    );
  // SCRAM does not send the password, but without TLS every record (and the session) is readable.
  if (sasl && !config.KAFKA_SSL && !config.KAFKA_ALLOW_PLAINTEXT_SASL)
    problems.push(
      'KAFKA_SASL_MECHANISM without KAFKA_SSL=true: set KAFKA_ALLOW_PLAINTEXT_SASL=true for a local test broker',
    );

  if (production) {
    if (!config.KAFKA_SSL) problems.push('CARERELAY_PROFILE=production requires KAFKA_SSL=true');
    if (!sasl && !mtls)
      problems.push(
        'CARERELAY_PROFILE=production requires Kafka client authentication: KAFKA_SASL_* (scram-sha-512) or KAFKA_SSL_CERT_FILE/KAFKA_SSL_KEY_FILE',
      );
    if (config.KAFKA_ALLOW_PLAINTEXT_SASL)
      problems.push('KAFKA_ALLOW_PLAINTEXT_SASL is refused by CARERELAY_PROFILE=production');
  }

  const defaults = PROFILE_REPLICATION[config.CARERELAY_PROFILE];
  const replicationFactor = config.KAFKA_REPLICATION_FACTOR ?? defaults.replicationFactor;
  const minInsyncReplicas = config.KAFKA_MIN_INSYNC_REPLICAS ?? defaults.minInsyncReplicas;
  if (minInsyncReplicas > replicationFactor)
    problems.push(
      `KAFKA_MIN_INSYNC_REPLICAS (${minInsyncReplicas}) exceeds KAFKA_REPLICATION_FACTOR (${replicationFactor}): no write could ever succeed`,
    );

  if (problems.length > 0) throw new ConfigError(problems);

  const tls: KafkaTls = {
    ...(contents.KAFKA_SSL_CA_FILE ? { ca: contents.KAFKA_SSL_CA_FILE } : {}),
    ...(contents.KAFKA_SSL_CERT_FILE ? { cert: contents.KAFKA_SSL_CERT_FILE } : {}),
    ...(contents.KAFKA_SSL_KEY_FILE ? { key: contents.KAFKA_SSL_KEY_FILE } : {}),
  };
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return {
    connection: {
      brokers: config.KAFKA_BROKERS,
      ssl: config.KAFKA_SSL ? (Object.keys(tls).length > 0 ? tls : true) : false,
      ...(sasl && username !== undefined && password !== undefined
        ? { sasl: { mechanism: 'scram-sha-512' as const, username, password } }
        : {}),
    },
    topics: { replicationFactor, minInsyncReplicas },
  };
}
