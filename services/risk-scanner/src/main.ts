#!/usr/bin/env node
// Composition root of risk-scanner in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createRiskScannerApp, SERVICE_NAME } from './app.js';
import { riskScannerConfigSchema, riskScannerTransports } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: riskScannerConfigSchema,
  transports: riskScannerTransports,
  createApp: (context) => createRiskScannerApp(context),
});
