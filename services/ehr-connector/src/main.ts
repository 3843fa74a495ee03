#!/usr/bin/env node
// Composition root of ehr-connector in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createEhrConnectorApp, SERVICE_NAME } from './app.js';
import { ehrConnectorConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: ehrConnectorConfigSchema,
  createApp: (context) => createEhrConnectorApp(context),
});
