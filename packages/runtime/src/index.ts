export { runService, runServiceMain } from './run-service.js';
export type { RunServiceOptions, RunningService } from './run-service.js';
export { commonConfigSchema } from './service-config.js';
export { ServiceMetrics, startOpsServer } from './ops-server.js';
export type { HealthSource, OpsServerOptions } from './ops-server.js';
export { createPendingServiceApp } from './service.js';
export type { ServiceApp, ServiceContext } from './service.js';
export { connectRedis } from './redis.js';
