#!/usr/bin/env node
// Composition root of coder in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createCoderApp, SERVICE_NAME } from './app.js';
import { coderConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: coderConfigSchema,
  createApp: (context) => createCoderApp(context),
});
