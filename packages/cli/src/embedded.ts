import { AuditTrail } from '@carerelay/audit';
import { DEFAULT_RETRY, EmbeddedBus } from '@carerelay/bus';
import { FingerprintKeyProvider, LocalKeyProvider } from '@carerelay/crypto';
import {
  FhirAdapter,
  FhirClient,
  readAlertAcknowledgement,
  readSignedNote,
  SmartBackendAuth,
} from '@carerelay/ehr';
import { startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { InMemoryTokenVault } from '@carerelay/phi';
import { AvroSerde, InMemorySchemaStore, ehrChangeTopic } from '@carerelay/events';
import { createLogger, type Logger } from '@carerelay/logger';
import { ServiceMetrics, startOpsServer, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { createAuditSinkApp, type AuditSinkOptions } from '@carerelay/service-audit-sink';
import { DEFAULT_EMBEDDED_DATABASE_URL, embeddedAuditStore } from './embedded-audit.js';
import { createCoderApp } from '@carerelay/service-coder';
import { createDeidentifierApp } from '@carerelay/service-deidentifier';
import {
  FhirChangePoller,
  InMemoryCursorStore,
  InMemoryTaskClaims,
  createEhrConnectorApp,
} from '@carerelay/service-ehr-connector';
import { InMemoryDraftCache, InMemoryRateGate, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import { OfflineTemplateProvider } from '@carerelay/llm';
import { createRiskScannerApp } from '@carerelay/service-risk-scanner';
import { createWritebackApp } from '@carerelay/service-writeback';

export interface EmbeddedOptions {
  readonly host: string;
  readonly port: number;
  readonly logger?: Logger;
  /** Postgres server of the audit store (a `carerelay_embedded` database is created on it). */
  readonly auditDatabaseUrl?: string;
}

export interface EmbeddedRuntime {
  readonly opsUrl: string;
  readonly apps: readonly ServiceApp[];
  readonly bus: EmbeddedBus;
  /** The sandbox EHR the embedded connector reads from and writes drafts to. */
  readonly fhirBaseUrl: string;
  readonly sandbox: SandboxEhr;
  stop(): Promise<void>;
}

const keys = LocalKeyProvider.ephemeral();
/** The one practice the embedded default serves. */
export const EMBEDDED_TENANT = 'embedded';

function factories(
  sandbox: SandboxEhr,
  audit: AuditSinkOptions | undefined,
): ReadonlyArray<(context: ServiceContext) => ServiceApp> {
  const auth = new SmartBackendAuth({
    clientId: sandbox.clients.rs384.clientId,
    privateJwk: sandbox.clients.rs384.privateJwk,
    fhirBaseUrl: sandbox.baseUrl,
  });
  const reader = new FhirClient({ baseUrl: sandbox.baseUrl, auth, scope: 'system/*.read' });
  const writer = new FhirClient({ baseUrl: sandbox.baseUrl, auth, scope: 'system/*.read system/*.write' });
  // One vault for the process: the deidentifier writes it, writeback reads and purges it.
  const vault = new InMemoryTokenVault(keys);
  return [
    (context) =>
      createEhrConnectorApp(context, {
        adapter: new FhirAdapter(reader),
        signedNote: (documentId) => readSignedNote(reader, documentId),
        alertAcknowledgement: (taskId, versionId) => readAlertAcknowledgement(reader, taskId, versionId),
        keys,
        // One process: the task claims live in memory, like the vault and the cursors.
        claims: new InMemoryTaskClaims(),
        noteFormat: 'soap_note',
        maxAttempts: 5,
        retryInitialMs: 500,
        polling: {
          intervalMs: 2_000,
          poller: new FhirChangePoller({
            fhir: reader,
            cursors: new InMemoryCursorStore(),
            tenantId: EMBEDDED_TENANT,
            vendor: 'fhir-r4',
            logger: context.logger,
            audit: new AuditTrail(context.bus, 'ehr-connector'),
            publish: (change) =>
              context.bus.publish(ehrChangeTopic, {
                key: `${change.tenantId}:${change.clientId}`,
                value: change,
              }),
          }),
        },
      }),
    // Embedded default: keys live in memory, the vault too; nothing survives the process.
    (context) =>
      createDeidentifierApp(context, {
        keys,
        vault,
        vaultTtlSeconds: 24 * 3600,
        dateShift: false,
        maxAttempts: 5,
        retryInitialMs: 500,
      }),
    // The offline template provider: the embedded default never calls a model.
    (context) =>
      createLlmWorkerApp(context, {
        model: new OfflineTemplateProvider(),
        deploymentFor: () => 'offline-template',
        // As in distributed mode, the worker holds only the tenant's fingerprint key.
        keys: FingerprintKeyProvider.fromExport(keys.exportFingerprintKeys([EMBEDDED_TENANT])),
        limiter: new InMemoryRateGate({ requestsPerMinute: 600, tokensPerMinute: 0 }),
        drafts: new InMemoryDraftCache(),
        rateMaxWaitMs: 30_000,
        callAttempts: 3,
        retryInitialMs: 500,
        maxRetryAfterMs: 30_000,
        circuit: { threshold: 5, resetMs: 30_000 },
        deliveryAttempts: 3,
        timeoutMs: 60_000,
        maxTokens: 2_000,
      }),
    createRiskScannerApp,
    createCoderApp,
    (context) =>
      createWritebackApp(context, {
        vault,
        keys,
        fhir: writer,
        ehrEndpoint: sandbox.baseUrl,
        maxAttempts: 5,
        retryInitialMs: 500,
      }),
    (context) => createAuditSinkApp(context, audit),
  ];
}

/**
 * The single-process default: all seven services on the embedded bus, with the
 * same Avro encoding and consumer semantics as the distributed mode. This file
 * is the embedded composition root, the one place a package imports services.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedRuntime> {
  const logger = options.logger ?? createLogger({ service: 'carerelay' });
  const metrics = new ServiceMetrics('carerelay');
  const serde = new AvroSerde(new InMemorySchemaStore());
  const bus = EmbeddedBus.fromConfig({ serde, logger, observer: metrics });
  await bus.start();
  // The embedded default's EHR: the sandbox FHIR server, seeded with synthetic clients.
  const sandbox = await startSandboxEhr();
  const audit = await embeddedAuditStore(
    options.auditDatabaseUrl ?? process.env['CARERELAY_DATABASE_URL'] ?? DEFAULT_EMBEDDED_DATABASE_URL,
    logger,
  );
  const apps = factories(sandbox, audit).map((create) =>
    create({
      bus,
      logger: logger.child({ component: 'service' }),
      concurrency: 1,
      // The same outage budget as distributed services (BUS_RETRY_* defaults).
      retry: { maxElapsedMs: DEFAULT_RETRY.maxElapsedMs ?? 0, maxDelayMs: DEFAULT_RETRY.maxDelayMs },
    }),
  );
  for (const app of apps) {
    await Promise.all(app.produces.map((topic) => serde.register(topic)));
    await app.start();
  }
  const ops = await startOpsServer({
    host: options.host,
    port: options.port,
    logger,
    metrics,
    sources: [bus, ...apps],
  });
  return {
    opsUrl: ops.url,
    apps,
    bus,
    fhirBaseUrl: sandbox.baseUrl,
    sandbox,
    stop: async () => {
      for (const app of [...apps].reverse()) await app.stop();
      await bus.shutdown();
      await ops.server.close();
      await sandbox.stop();
    },
  };
}
