#!/usr/bin/env -S node --max-semi-space-size=64
// Composition root of audit-sink in distributed mode: nothing but wiring.
// A 64 MB young generation: batch decoding allocates fast, and the default (16 MB) made
// scavenges cost about a sixth of the sink's CPU (bench/audit ingest, CPU per event).
import { runServiceMain } from '@carerelay/runtime';
import { createAuditSinkApp, SERVICE_NAME } from './app.js';
import { complianceApiFromConfig, type RunningComplianceApi } from './compliance-wiring.js';
import { auditSinkConfigSchema, auditSinkTransports } from './config.js';
import { AuditStore, dropExpiredPartitions, migrateAuditStore } from './store/index.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: auditSinkConfigSchema,
  transports: auditSinkTransports,
  createApp: (context, config) => {
    const logger = context.logger.child({ component: 'audit-store' });
    const store = AuditStore.fromConfig({
      url: config.AUDIT_DATABASE_URL,
      // One transaction per partition consumed in parallel, one per topic, one for health.
      maxConnections: context.concurrency * 2 + 1,
      onPoolError: (err) =>
        logger.warn({ errorCode: 'AUDIT_STORE_CONNECTION_LOST', reason: err.message }, 'pool error'),
    });
    context.readiness?.register({ name: 'postgres', check: () => store.ping() });
    const compliance = complianceApiFromConfig(config, {
      bus: context.bus,
      logger: context.logger.child({ component: 'compliance-api' }),
      service: SERVICE_NAME,
    });
    let api: RunningComplianceApi | undefined;
    const app = createAuditSinkApp(context, {
      store,
      migrate: async () => {
        await migrateAuditStore(config.AUDIT_ADMIN_DATABASE_URL, logger);
      },
      maintain: async () => {
        const dropped = await dropExpiredPartitions(
          config.AUDIT_ADMIN_DATABASE_URL,
          config.AUDIT_RETENTION_MONTHS,
        );
        if (dropped.length > 0) logger.info({ dropped }, 'expired audit partitions dropped');
      },
      batchSize: config.AUDIT_BATCH_SIZE,
      groupId: config.AUDIT_CONSUMER_GROUP,
      close: () => store.close(),
    });
    return {
      ...app,
      start: async () => {
        await app.start();
        api = await compliance?.start();
      },
      stop: async () => {
        await api?.close();
        await app.stop();
      },
    };
  },
});
