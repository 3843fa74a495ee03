#!/usr/bin/env node
// Composition root of the ehr-connector in distributed mode: nothing but wiring.
import { readFileSync } from 'node:fs';
import { AuditTrail } from '@carerelay/audit';
import { LocalKeyProvider } from '@carerelay/crypto';
import {
  FhirAdapter,
  FhirClient,
  readAlertAcknowledgement,
  readSignedNote,
  SmartBackendAuth,
  type SmartBackendAuthOptions,
} from '@carerelay/ehr';
import { ehrChangeTopic } from '@carerelay/events';
import { ConfigError } from '@carerelay/config';
import { connectRedis, createBearerVerifier, httpCheck, runServiceMain } from '@carerelay/runtime';
import { createEhrConnectorApp, SERVICE_NAME } from './app.js';
import { ehrConnectorConfigSchema, ehrConnectorTransports } from './config.js';
import { FhirChangePoller } from './ingress/change-poller.js';
import { RedisCursorStore, RedisPollLease } from './ingress/redis-cursor-store.js';
import { RedisIdempotencyStore } from './ingress/idempotency-store.js';
import { RedisReplayStore } from './ingress/redis-replay-store.js';
import { RedisTaskClaims } from './task-claims.js';
import { RedisBreakGlassStore } from './policy/break-glass.js';
import { RolloutSource } from './policy/rollout-source.js';
import { RedisTaskStatusStore } from './task-status/task-status-store.js';

function requireIssuer(issuer: string | undefined): string {
  if (!issuer)
    throw new ConfigError(['AUTH_ISSUER: required when AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is set']);
  return issuer;
}

runServiceMain({
  name: SERVICE_NAME,
  configSchema: ehrConnectorConfigSchema,
  transports: ehrConnectorTransports,
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
    const { redis, close } = connectRedis(config.REDIS_URL, context.logger, {
      commandTimeoutMs: context.redisCommandTimeoutMs,
      readiness: context.readiness,
    });
    context.readiness?.register(httpCheck('ehr', `${config.FHIR_BASE_URL}/metadata`, { expectOk: true }));
    const poller = new FhirChangePoller({
      fhir,
      cursors: new RedisCursorStore(redis),
      // Several replicas: one pass per tenant at a time.
      lease: new RedisPollLease(redis),
      tenantId: config.TENANT_ID,
      vendor: 'fhir-r4',
      logger: context.logger,
      audit: new AuditTrail(context.bus, SERVICE_NAME),
      publish: (change) =>
        context.bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change }),
    });
    const keyFile = config.AUTH_JWKS_URL ? undefined : config.AUTH_PUBLIC_KEY_FILE;
    const verify =
      config.AUTH_JWKS_URL || keyFile
        ? createBearerVerifier({
            ...(config.AUTH_JWKS_URL
              ? { jwksUrl: config.AUTH_JWKS_URL }
              : { publicKeyPem: readFileSync(keyFile!, 'utf8') }),
            issuer: requireIssuer(config.AUTH_ISSUER),
            audience: config.AUTH_AUDIENCE,
          })
        : undefined;
    const rollout = config.POLICY_ROLLOUT_FILE
      ? RolloutSource.fromFile({
          file: config.POLICY_ROLLOUT_FILE,
          audit: new AuditTrail(context.bus, SERVICE_NAME),
          tenantId: config.TENANT_ID,
          logger: context.logger,
          reloadMs: config.POLICY_ROLLOUT_RELOAD_MS,
        })
      : undefined;
    return createEhrConnectorApp(context, {
      close,
      tenantId: config.TENANT_ID,
      // GET /v1/tasks/{id}: every replica projects into, and answers from, the same Redis.
      taskStatus: new RedisTaskStatusStore(redis),
      policy: {
        ...(rollout ? { rollout } : {}),
        aiConsentRequired: config.AI_CONSENT_REQUIRED,
        consentRecipients: config.CONSENT_RECIPIENTS,
        consentCacheTtlMs: config.CONSENT_CACHE_TTL_MS,
        breakGlass: new RedisBreakGlassStore(redis),
        breakGlassTtlSeconds: config.BREAK_GLASS_TTL_SECONDS,
      },
      claims: new RedisTaskClaims(redis, { ttlSeconds: config.TASK_CLAIM_TTL_SECONDS }),
      ...(config.INGRESS_PORT > 0
        ? {
            ingress: {
              host: config.INGRESS_HOST,
              port: config.INGRESS_PORT,
              tenantId: config.TENANT_ID,
              ...(config.WEBHOOK_SECRET_FILE
                ? {
                    webhook: {
                      secret: readFileSync(config.WEBHOOK_SECRET_FILE),
                      vendor: config.WEBHOOK_VENDOR,
                      replay: new RedisReplayStore(redis),
                    },
                  }
                : {}),
              ...(verify
                ? {
                    tasks: {
                      verify,
                      idempotency: {
                        store: new RedisIdempotencyStore(redis),
                        ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
                      },
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(config.POLL_INTERVAL_MS > 0 ? { polling: { poller, intervalMs: config.POLL_INTERVAL_MS } } : {}),
      adapter: new FhirAdapter(fhir, { part2Programs: config.PART2_PROGRAMS }),
      signedNote: (documentId) => readSignedNote(fhir, documentId),
      alertAcknowledgement: (taskId, versionId) => readAlertAcknowledgement(fhir, taskId, versionId),
      keys: LocalKeyProvider.fromFile(config.KEY_FILE, { create: config.KEY_FILE_CREATE }),
      noteFormat: config.NOTE_FORMAT,
      maxAttempts: config.CONNECTOR_MAX_ATTEMPTS,
      retryInitialMs: config.CONNECTOR_RETRY_INITIAL_MS,
    });
  },
});
