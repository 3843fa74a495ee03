#!/usr/bin/env node
// Composition root of coder in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createCoderApp, SERVICE_NAME } from './app.js';
import { coderConfigSchema, coderTransports } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: coderConfigSchema,
  transports: coderTransports,
  createApp: (context) => createCoderApp(context),
});
