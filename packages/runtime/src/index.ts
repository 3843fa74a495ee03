export { runService, runServiceMain } from './run-service.js';
export type { RunServiceOptions, RunningService } from './run-service.js';
export { commonConfigSchema } from './service-config.js';
export { ServiceMetrics, startOpsServer } from './ops-server.js';
export type { HealthSource, OpsServerOptions } from './ops-server.js';
export { createPendingServiceApp } from './service.js';
export type { ServiceApp, ServiceContext } from './service.js';
export { connectRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './redis.js';
export type { RedisOptions } from './redis.js';
export { Readiness, httpCheck } from './readiness.js';
export type { DependencyCheck, DependencyStatus, ReadinessOptions, ReadinessReport } from './readiness.js';
export { createConsumerApp, retryPolicy } from './consumer-app.js';
export type { ConsumerAppOptions } from './consumer-app.js';
export { createBearerVerifier } from './bearer-auth.js';
export type { BearerAuthOptions, BearerVerifier, Principal } from './bearer-auth.js';
export { auditConfigApplied, configAuditTenant, CONFIG_KEY_HASH_PREFIX } from './config-audit.js';
export type { ConfigApplied } from './config-audit.js';
export { kafkaConfigSchema, kafkaSettingsFromConfig } from './kafka-config.js';
export type { KafkaConfig, KafkaSettings } from './kafka-config.js';
export {
  assertProductionTransport,
  INSECURE_TRANSPORT,
  redactUrl,
  serviceTransportSettings,
  transportViolations,
} from './production-profile.js';
export type {
  KafkaTransport,
  ServiceTransports,
  TransportKind,
  TransportSettings,
  TransportViolation,
  UrlTransport,
} from './production-profile.js';
