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
  AUDIT_DEPLOYMENT_TENANT: str({
    description:
      'the audit chain that records deployment-wide events such as configuration (services that serve one tenant use theirs)',
    default: 'deployment',
  }),
} as const;
