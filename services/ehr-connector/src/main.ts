#!/usr/bin/env node
// Composition root of the ehr-connector in distributed mode: nothing but wiring.
import { readFileSync } from 'node:fs';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, FhirClient, SmartBackendAuth, type SmartBackendAuthOptions } from '@carerelay/ehr';
import { runServiceMain } from '@carerelay/runtime';
import { createEhrConnectorApp, SERVICE_NAME } from './app.js';
import { ehrConnectorConfigSchema } from './config.js';

runServiceMain({
  name: SERVICE_NAME,
  configSchema: ehrConnectorConfigSchema,
  createApp: (context, config) => {
    const auth = new SmartBackendAuth({
      clientId: config.SMART_CLIENT_ID,
      privateJwk: JSON.parse(
        readFileSync(config.SMART_PRIVATE_KEY_FILE, 'utf8'),
      ) as SmartBackendAuthOptions['privateJwk'],
      fhirBaseUrl: config.FHIR_BASE_URL,
      ...(config.SMART_TOKEN_ENDPOINT ? { tokenEndpoint: config.SMART_TOKEN_ENDPOINT } : {}),
    });
    const fhir = new FhirClient({ baseUrl: config.FHIR_BASE_URL, auth, scope: 'system/*.read' });
    return createEhrConnectorApp(context, {
      adapter: new FhirAdapter(fhir),
      keys: LocalKeyProvider.fromFile(config.KEY_FILE, { create: config.KEY_FILE_CREATE }),
      noteFormat: config.NOTE_FORMAT,
      maxAttempts: config.CONNECTOR_MAX_ATTEMPTS,
      retryInitialMs: config.CONNECTOR_RETRY_INITIAL_MS,
    });
  },
});
