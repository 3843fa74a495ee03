#!/usr/bin/env node
// Composition root of audit-sink in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createAuditSinkApp, SERVICE_NAME } from './app.js';
import { auditSinkConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: auditSinkConfigSchema,
  createApp: (context) => createAuditSinkApp(context),
});
