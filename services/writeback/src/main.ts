#!/usr/bin/env node
// Composition root of writeback in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createWritebackApp, SERVICE_NAME } from './app.js';
import { writebackConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: writebackConfigSchema,
  createApp: (context) => createWritebackApp(context),
});
