#!/usr/bin/env node
// Composition root of writeback in distributed mode: nothing but wiring.
import { readFileSync } from 'node:fs';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirClient, SmartBackendAuth, type SmartBackendAuthOptions } from '@carerelay/ehr';
import { RedisTokenVault } from '@carerelay/phi';
import { connectRedis, httpCheck, runServiceMain } from '@carerelay/runtime';
import { createWritebackApp, SERVICE_NAME } from './app.js';
import { writebackConfigSchema, writebackTransports } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: writebackConfigSchema,
  transports: writebackTransports,
  createApp: (context, config) => {
    const keys = LocalKeyProvider.fromFile(config.KEY_FILE, { create: config.KEY_FILE_CREATE });
    const privateJwk = JSON.parse(
      readFileSync(config.SMART_PRIVATE_KEY_FILE, 'utf8'),
    ) as SmartBackendAuthOptions['privateJwk'];
    const auth = new SmartBackendAuth({
      clientId: config.SMART_CLIENT_ID,
      privateJwk,
      fhirBaseUrl: config.FHIR_BASE_URL,
    });
    const { redis, close } = connectRedis(config.REDIS_URL, context.logger, {
      commandTimeoutMs: context.redisCommandTimeoutMs,
      readiness: context.readiness,
    });
    context.readiness?.register(httpCheck('ehr', `${config.FHIR_BASE_URL}/metadata`, { expectOk: true }));
    return createWritebackApp(context, {
      vault: new RedisTokenVault(redis, keys),
      keys,
      fhir: new FhirClient({ baseUrl: config.FHIR_BASE_URL, auth }),
      ehrEndpoint: config.FHIR_BASE_URL,
      maxAttempts: config.WRITEBACK_MAX_ATTEMPTS,
      retryInitialMs: config.WRITEBACK_RETRY_INITIAL_MS,
      close,
    });
  },
});
