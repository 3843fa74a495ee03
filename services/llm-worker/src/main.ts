#!/usr/bin/env node
// Composition root of llm-worker in distributed mode: nothing but wiring.
import { runServiceMain } from '@carerelay/runtime';
import { createLlmWorkerApp, SERVICE_NAME } from './app.js';
import { llmWorkerConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: llmWorkerConfigSchema,
  createApp: (context) => createLlmWorkerApp(context),
});
