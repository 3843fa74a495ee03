import { int, oneOf, str, url } from '@carerelay/config';
import { kafkaConfigSchema } from './kafka-config.js';

/** Variables every service reads. Services add their own to this schema. */
export const commonConfigSchema = {
  // Brokers, TLS/mTLS, SASL/SCRAM, profile and topic replication (kafka-config.ts).
  ...kafkaConfigSchema,
  SCHEMA_REGISTRY_URL: url({
    description: 'Confluent-compatible schema registry URL',
    protocols: ['http', 'https'],
  }),
  OPS_HOST: str({ description: 'interface the health/metrics server binds to', default: '127.0.0.1' }),
  OPS_PORT: int({
    description: 'port of the health/metrics server (0 = any free port)',
    min: 0,
    max: 65535,
    default: 0,
  }),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
    description: 'log level',
    default: 'info',
  }),
  SHUTDOWN_TIMEOUT_MS: int({
    description: 'grace period for in-flight work on SIGTERM',
    min: 1000,
    default: 25_000,
  }),
  CONSUMER_CONCURRENCY: int({
    description: 'partitions processed in parallel per instance',
    min: 1,
    max: 64,
    default: 2,
  }),
  BUS_RETRY_MAX_ELAPSED_MS: int({
    description:
      'how long a record whose handling fails with a retryable error (a dependency down) is retried before it is dead-lettered; its partition is paused meanwhile',
    min: 0,
    default: 5 * 60_000,
  }),
  BUS_RETRY_MAX_DELAY_MS: int({
    description: 'longest wait between two retries of a record',
    min: 100,
    default: 30_000,
  }),
  REDIS_COMMAND_TIMEOUT_MS: int({
    description: 'a Redis command without an answer within this fails (retryable) instead of hanging',
    min: 100,
    default: 2_000,
  }),
  READY_CACHE_MS: int({
    description: 'how long /ready reuses the result of a dependency check',
    min: 0,
    default: 3_000,
  }),
  AUDIT_DEPLOYMENT_TENANT: str({
    description:
      'the audit chain that records deployment-wide events such as configuration (services that serve one tenant use theirs)',
    default: 'deployment',
  }),
} as const;
