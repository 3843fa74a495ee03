import { createRequire } from 'node:module';
import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { CareRelayError } from '@carerelay/errors';
import {
  describeKafkaConnection,
  isRetriableKafkaError,
  kafkaClientConfig,
  toKafkaError,
  type KafkaConnection,
} from './kafka-connection.js';

// kafkajs' own table of broker error codes, as its protocol decoder builds them.
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => ConstructorParameters<typeof KafkaJSProtocolError>[0];
};
const brokerError = (code: number): KafkaJSProtocolError =>
  new KafkaJSProtocolError(createErrorFromCode(code));
// Kafka protocol error codes (kafka.apache.org/protocol#protocol_error_codes).
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;
const REQUEST_TIMED_OUT = 7;
const TOPIC_ALREADY_EXISTS = 36;
const INVALID_REPLICATION_FACTOR = 38;
const NOT_CONTROLLER = 41;

const PASSWORD = 'scram-secret-Xy9';

describe('kafkaClientConfig', () => {
  it('passes TLS material and SCRAM credentials to kafkajs, verifying the broker by default', () => {
    const connection: KafkaConnection = {
      brokers: ['k1:9093'],
      ssl: { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: PASSWORD },
    };
    expect(kafkaClientConfig(connection)).toEqual({
      brokers: ['k1:9093'],
      ssl: { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: PASSWORD },
    });
    expect(kafkaClientConfig({ brokers: ['k1:9092'] })).toEqual({ brokers: ['k1:9092'], ssl: false });
  });

  it('refuses a certificate without its key, another SASL mechanism, empty credentials and no broker', () => {
    const code = (connection: KafkaConnection): string => {
      try {
        kafkaClientConfig(connection);
      } catch (err) {
        expect(String(err)).not.toContain(PASSWORD);
        return (err as CareRelayError).code;
      }
      return 'accepted';
    };
    expect(code({ brokers: ['k:1'], ssl: { cert: 'CERT' } })).toBe('KAFKA_CONNECTION_INVALID');
    const plain = {
      mechanism: 'plain',
      username: 'svc',
      password: PASSWORD,
    } as unknown as KafkaConnection['sasl'];
    expect(code({ brokers: ['k:1'], sasl: plain })).toBe('KAFKA_CONNECTION_INVALID');
    expect(
      code({ brokers: ['k:1'], sasl: { mechanism: 'scram-sha-512', username: 'svc', password: '' } }),
    ).toBe('KAFKA_CONNECTION_INVALID');
    expect(code({ brokers: [] })).toBe('KAFKA_CONNECTION_INVALID');
  });

  it('describes a connection for logs without its password or key', () => {
    const text = JSON.stringify(
      describeKafkaConnection({
        brokers: ['k1:9093'],
        ssl: { cert: 'CERT-PEM', key: 'KEY-PEM' },
        sasl: { mechanism: 'scram-sha-512', username: 'svc', password: PASSWORD },
      }),
    );
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('KEY-PEM');
    expect(JSON.parse(text)).toEqual({
      brokers: 'k1:9093',
      tls: true,
      mtls: true,
      sasl: 'scram-sha-512:svc',
    });
  });
});

describe('which Kafka faults a young or restarting broker recovers from', () => {
  it.each([
    ['UNKNOWN_TOPIC_OR_PARTITION', UNKNOWN_TOPIC_OR_PARTITION],
    ['LEADER_NOT_AVAILABLE', LEADER_NOT_AVAILABLE],
    ['REQUEST_TIMED_OUT', REQUEST_TIMED_OUT],
    ['NOT_CONTROLLER', NOT_CONTROLLER],
  ])('%s is retried, also once kafkajs gave up on it', (_, errorCode) => {
    expect(isRetriableKafkaError(brokerError(errorCode))).toBe(true);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(brokerError(errorCode), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(isRetriableKafkaError(exhausted)).toBe(true);
    expect(toKafkaError(exhausted, 'op').code).toBe('KAFKA_UNAVAILABLE');
  });

  it('a refused connection while the broker starts is retried', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
      broker: '127.0.0.1:9092',
      code: 'ECONNREFUSED',
    });
    expect(
      isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 1 })),
    ).toBe(true);
  });

  it('createTopics: topics that exist already alongside a retriable fault are retried; a bad replication factor is not', () => {
    const mixed = new KafkaJSAggregateError('Topic creation errors', [
      brokerError(TOPIC_ALREADY_EXISTS),
      brokerError(UNKNOWN_TOPIC_OR_PARTITION),
    ]);
    expect(isRetriableKafkaError(mixed)).toBe(true);
    expect(isRetriableKafkaError(brokerError(INVALID_REPLICATION_FACTOR))).toBe(false);
    expect(toKafkaError(brokerError(INVALID_REPLICATION_FACTOR), 'create').code).toBe('KAFKA_REQUEST_FAILED');
  });

  it('wrong credentials and certificate failures fail at once with their own codes', () => {
    // kafkajs' typings omit the constructor's message parameter.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const auth = new SaslError('SASL SCRAM SHA512 authentication failed: invalid credentials');
    expect(isRetriableKafkaError(auth)).toBe(false);
    expect(toKafkaError(auth, 'connect')).toMatchObject({ code: 'KAFKA_AUTH_FAILED', retryable: false });
    const cert = new KafkaJSConnectionError('Connection error: self-signed certificate', {
      broker: 'k:9093',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(isRetriableKafkaError(cert)).toBe(false);
    expect(toKafkaError(cert, 'connect')).toMatchObject({ code: 'KAFKA_TLS_FAILED', retryable: false });
  });
});
