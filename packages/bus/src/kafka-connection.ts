import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig } from 'kafkajs';
import { CareRelayError } from '@carerelay/errors';

/** TLS to the brokers. With `cert` and `key` the client also authenticates itself (mTLS). */
export interface KafkaTls {
  /** PEM of the CA(s) that signed the brokers' certificates; the system store when absent. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** PEM client certificate (chain) for mTLS; needs `key`. */
  readonly cert?: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key?: string | Buffer;
  /** Verify the broker's certificate (default true). Only a local test may turn it off. */
  readonly rejectUnauthorized?: boolean;
  /** Name checked against the broker certificate when it differs from the broker host. */
  readonly servername?: string;
}

/** SASL credentials. SCRAM-SHA-512 only: PLAIN would send the password itself. */
export interface KafkaSasl {
  readonly mechanism: 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/**
 * Where and how every Kafka client of CareRelay connects: the bus's producer and consumers,
 * the topic admin, tools. One shape, so no client can be built without the security the
 * others use.
 */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  /** `true`: TLS with the system CAs; an object: TLS with these settings (mTLS with cert+key). */
  readonly ssl?: boolean | KafkaTls;
  readonly sasl?: KafkaSasl;
}

/** The part of a kafkajs configuration that says where and how to connect. */
export type KafkaConnectionConfig = Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;

function invalid(message: string, details: Record<string, string | number | boolean> = {}): CareRelayError {
  return new CareRelayError('KAFKA_CONNECTION_INVALID', message, { retryable: false, details });
}

function tlsOptions(ssl: KafkaConnection['ssl']): ConnectionOptions | boolean {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl ?? false;
  if ((ssl.cert === undefined) !== (ssl.key === undefined))
    throw invalid('Kafka mTLS needs both a client certificate and its private key');
  const { ca, cert, key, rejectUnauthorized, servername } = ssl;
  return {
    ...(ca === undefined ? {} : { ca: typeof ca === 'string' || Buffer.isBuffer(ca) ? ca : [...ca] }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(servername === undefined ? {} : { servername }),
    rejectUnauthorized: rejectUnauthorized ?? true,
  };
}

/**
 * The kafkajs brokers/ssl/sasl of a connection, validated: every `new Kafka({ ...this, clientId,
 * ... })` in CareRelay is built from it. Throws KAFKA_CONNECTION_INVALID (never with a secret).
 */
export function kafkaClientConfig(connection: KafkaConnection): KafkaConnectionConfig {
  const brokers = connection.brokers.filter((b) => b.trim() !== '');
  if (brokers.length === 0) throw invalid('Kafka connection lists no broker');
  const { sasl } = connection;
  if (sasl !== undefined) {
    // A JavaScript caller (or a cast) can pass another mechanism: refuse rather than downgrade.
    if ((sasl.mechanism as string) !== 'scram-sha-512')
      throw invalid('Kafka SASL mechanism must be scram-sha-512', { mechanism: String(sasl.mechanism) });
    if (sasl.username === '' || sasl.password === '')
      throw invalid('Kafka SASL needs a username and a password');
  }
  return {
    brokers: [...brokers],
    ssl: tlsOptions(connection.ssl),
    ...(sasl === undefined
      ? {}
      : { sasl: { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password } }),
  };
}

/** What a connection uses, for logs: never a password, key or certificate. */
export function describeKafkaConnection(connection: KafkaConnection): Record<string, string | boolean> {
  const tls = connection.ssl;
  return {
    brokers: connection.brokers.join(','),
    tls: tls !== undefined && tls !== false,
    mtls: typeof tls === 'object' && tls.cert !== undefined,
    sasl: connection.sasl ? `${connection.sasl.mechanism}:${connection.sasl.username}` : 'none',
  };
}

interface KafkaJsErrorShape {
  readonly name?: string;
  readonly type?: string;
  readonly code?: string | number;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly errors?: readonly unknown[];
  readonly topic?: string;
}

const shape = (err: unknown): KafkaJsErrorShape => (err !== null && typeof err === 'object' ? err : {});

/** Node's TLS verification and handshake failures: a wrong CA or certificate is no outage. */
const TLS_FAILURE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

/** The innermost error kafkajs' own retrier wrapped (KafkaJSNumberOfRetriesExceeded keeps it as cause). */
function unwrap(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 5; depth++) {
    const s = shape(current);
    if (s.name !== 'KafkaJSNumberOfRetriesExceeded' || s.cause === undefined) return current;
    current = s.cause;
  }
  return current;
}

export function isKafkaAuthFailure(err: unknown): boolean {
  const s = shape(unwrap(err));
  return (
    s.name === 'KafkaJSSASLAuthenticationError' ||
    s.type === 'SASL_AUTHENTICATION_FAILED' ||
    s.type === 'TOPIC_AUTHORIZATION_FAILED' ||
    s.type === 'CLUSTER_AUTHORIZATION_FAILED'
  );
}

export function isKafkaTlsFailure(err: unknown): boolean {
  const s = shape(unwrap(err));
  return typeof s.code === 'string' && TLS_FAILURE.test(s.code);
}

/**
 * True for a fault a young, restarting or briefly unreachable cluster recovers from: kafkajs'
 * retriable protocol errors (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_CONTROLLER,
 * REQUEST_TIMED_OUT...), refused or dropped connections, timeouts, also when kafkajs' own
 * retrier gave up on one. An aggregate (createTopics) is retriable when each part is retriable
 * or says the topic exists already. Authentication and TLS failures never are.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  if (isKafkaAuthFailure(err) || isKafkaTlsFailure(err)) return false;
  const inner = unwrap(err);
  const s = shape(inner);
  if (s.name === 'KafkaJSAggregateError' && Array.isArray(s.errors) && s.errors.length > 0)
    return s.errors.every((e) => shape(e).type === 'TOPIC_ALREADY_EXISTS' || isRetriableKafkaError(e));
  if (s.retriable === true) return true;
  // Thrown by the socket before kafkajs wraps it.
  return typeof s.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(s.code);
}

/**
 * A kafkajs failure as a CareRelayError with a stable code: KAFKA_AUTH_FAILED (wrong or missing
 * credentials, not retryable), KAFKA_TLS_FAILED (certificate or handshake, not retryable),
 * KAFKA_UNAVAILABLE (retryable), else KAFKA_REQUEST_FAILED. The message names the operation and
 * the kafkajs error, which carries no credential.
 */
export function toKafkaError(err: unknown, operation: string): CareRelayError {
  if (err instanceof CareRelayError) return err;
  const inner = unwrap(err);
  const s = shape(inner);
  const details = { operation, kafkaError: s.type ?? s.name ?? 'unknown' };
  let reason = inner instanceof Error ? inner.message : String(inner);
  // createTopics' aggregate says only "Topic creation errors": name each topic's own error.
  if (Array.isArray(s.errors) && s.errors.length > 0) {
    const parts = s.errors.map((e) => {
      const p = shape(e);
      return `${p.topic ?? '?'}: ${p.type ?? p.name ?? 'error'} (${e instanceof Error ? e.message : String(e)})`;
    });
    reason = `${reason}: ${parts.slice(0, 3).join('; ')}${parts.length > 3 ? `; and ${parts.length - 3} more` : ''}`;
    details.kafkaError = [...new Set(s.errors.map((e) => shape(e).type ?? 'unknown'))].join(',');
  }
  if (isKafkaAuthFailure(err))
    return new CareRelayError(
      'KAFKA_AUTH_FAILED',
      `Kafka refused authentication or access (${operation}): ${reason}`,
      {
        retryable: false,
        cause: err,
        details,
      },
    );
  if (isKafkaTlsFailure(err))
    return new CareRelayError('KAFKA_TLS_FAILED', `Kafka TLS failed (${operation}): ${reason}`, {
      retryable: false,
      cause: err,
      details,
    });
  if (isRetriableKafkaError(err))
    return new CareRelayError('KAFKA_UNAVAILABLE', `Kafka unavailable (${operation}): ${reason}`, {
      retryable: true,
      cause: err,
      details,
    });
  return new CareRelayError('KAFKA_REQUEST_FAILED', `Kafka ${operation} failed: ${reason}`, {
    retryable: false,
    cause: err,
    details,
  });
}
