#!/usr/bin/env node
// Composition root of deidentifier in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createDeidentifierApp, SERVICE_NAME } from './app.js';
import { deidentifierConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: deidentifierConfigSchema,
  createApp: (context) => createDeidentifierApp(context),
});
