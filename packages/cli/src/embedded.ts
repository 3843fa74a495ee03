import { AuditTrail } from '@carerelay/audit';
import { DEFAULT_RETRY, EmbeddedBus } from '@carerelay/bus';
import { LocalKeyProvider } from '@carerelay/crypto';
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
import { FhirChangePoller, InMemoryCursorStore } from '@carerelay/service-ehr-connector';
import { OfflineTemplateProvider } from '@carerelay/llm';
import { pipelineFactories } from './pipeline.js';

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
  bus: EmbeddedBus,
  logger: Logger,
): ReadonlyArray<(context: ServiceContext) => ServiceApp> {
  const auth = new SmartBackendAuth({
    clientId: sandbox.clients.rs384.clientId,
    privateJwk: sandbox.clients.rs384.privateJwk,
    fhirBaseUrl: sandbox.baseUrl,
  });
  const reader = new FhirClient({ baseUrl: sandbox.baseUrl, auth, scope: 'system/*.read' });
  const writer = new FhirClient({ baseUrl: sandbox.baseUrl, auth, scope: 'system/*.read system/*.write' });
  const pipeline = pipelineFactories({
    tenantId: EMBEDDED_TENANT,
    keys,
    vault: new InMemoryTokenVault(keys),
    adapter: new FhirAdapter(reader),
    writer,
    ehrEndpoint: sandbox.baseUrl,
    // The offline template provider: the embedded default never calls a model.
    model: new OfflineTemplateProvider(),
    deployment: 'offline-template',
    signedNote: (documentId) => readSignedNote(reader, documentId),
    alertAcknowledgement: (taskId, versionId) => readAlertAcknowledgement(reader, taskId, versionId),
    poller: new FhirChangePoller({
      fhir: reader,
      cursors: new InMemoryCursorStore(),
      tenantId: EMBEDDED_TENANT,
      vendor: 'fhir-r4',
      logger: logger.child({ component: 'ehr-connector' }),
      audit: new AuditTrail(bus, 'ehr-connector'),
      publish: (change) =>
        bus.publish(ehrChangeTopic, {
          key: `${change.tenantId}:${change.clientId}`,
          value: change,
        }),
    }),
  });
  return [
    pipeline.connector,
    pipeline.deidentifier,
    pipeline.llmWorker,
    pipeline.riskScanner,
    pipeline.coder,
    pipeline.writeback,
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
  const apps = factories(sandbox, audit, bus, logger).map((create) =>
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
