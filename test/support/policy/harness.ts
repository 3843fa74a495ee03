import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw } from '@carerelay/bus/testing';
import { LocalKeyProvider, openEnvelope } from '@carerelay/crypto';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import { sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  PayloadCodec,
  RegistrySchemaStore,
  aiRequestTopic,
  aiTaskTopic,
  auditEventTopic,
  ehrChangeTopic,
  taskContextPayload,
  type AiTask,
  type AuditEvent,
  type EhrChange,
  type TaskContext,
  type TopicContract,
} from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { obeySchema, startAzureRecorder } from '@carerelay/llm/testing';
import { RedisTokenVault } from '@carerelay/phi';
import { createBearerVerifier, type ServiceApp } from '@carerelay/runtime';
import { createDeidentifierApp } from '@carerelay/service-deidentifier';
import { RedisIdempotencyStore, createEhrConnectorApp } from '@carerelay/service-ehr-connector';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import { createWritebackApp } from '@carerelay/service-writeback';
import { AuditStore, createAuditSinkApp, migrateAuditStore } from '@carerelay/service-audit-sink';
import { createScratchDatabase, type ScratchDatabase } from '@carerelay/service-audit-sink/testing';
import { captureLogger } from '../capture-logger.js';
import { TestIdp } from './jwt.js';

/** The connector app (its type is not exported by the service). */
type EhrConnectorApp = ReturnType<typeof createEhrConnectorApp>;

export interface PolicyHarnessInfra {
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export interface TaskAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Issue #13's pipeline on real infrastructure, shared by every case of the policy test:
 * the connector (with its on-demand ingress, a read-only SMART client, decision support
 * turned on), the deidentifier, the llm-worker against the Azure protocol recorder, the
 * writeback and the audit sink on a scratch Postgres store, all on real Kafka, registry
 * and Redis. What the services logged is kept for the PHI-in-logs case.
 */
export class PolicyHarness {
  readonly tenant = `pol-${randomUUID().slice(0, 8)}`;
  readonly otherTenant = `pol-other-${randomUUID().slice(0, 8)}`;
  readonly idp = new TestIdp();
  readonly keys = LocalKeyProvider.ephemeral();
  readonly log = captureLogger('policy-int');
  sandbox!: SandboxEhr;
  /** The test's own writer (another SMART client than the connector's and the writeback's). */
  fhir!: FhirClient;
  recorder!: Awaited<ReturnType<typeof startAzureRecorder>>;
  connector!: EhrConnectorApp;
  db!: ScratchDatabase;
  reader!: pg.Pool;
  serde!: AvroSerde;
  private redis!: Redis;
  private readonly apps: ServiceApp[] = [];
  private readonly buses: KafkaBus[] = [];
  private probe!: KafkaBus;
  private taskRecords: RawRecord[] = [];
  private requestRecords: RawRecord[] = [];
  private auditRecords: RawRecord[] = [];
  private readonly decoded = new WeakMap<RawRecord, unknown>();

  constructor(private readonly infra: PolicyHarnessInfra) {}

  async start(): Promise<void> {
    const { infra, log } = this;
    this.redis = new Redis(infra.redisUrl);
    this.sandbox = await startSandboxEhr();
    this.fhir = sandboxFhirClient(this.sandbox, { client: 'es384' });
    this.recorder = await startAzureRecorder(obeySchema);
    this.db = await createScratchDatabase(infra.databaseUrl, 'carerelay_policy');
    this.reader = new pg.Pool({ connectionString: this.db.urlAs('carerelay_audit_reader'), max: 2 });
    this.serde = new AvroSerde(new RegistrySchemaStore(infra.schemaRegistryUrl));
    const prefix = `policy-int:${randomUUID()}:`;
    const vault = new RedisTokenVault(this.redis, this.keys, prefix);
    const group = (name: string): string => `policy-int-${name}-${randomUUID()}`;
    const bus = async (name: string): Promise<KafkaBus> => {
      const b = KafkaBus.fromConfig({
        brokers: infra.kafkaBrokers.split(','),
        clientId: `policy-int-${name}`,
        serde: this.serde,
        logger: log.logger,
      });
      await b.start();
      this.buses.push(b);
      return b;
    };
    this.probe = await bus('probe');
    this.taskRecords = (await collectRaw(this.probe, aiTaskTopic.name)).records;
    this.requestRecords = (await collectRaw(this.probe, aiRequestTopic.name)).records;
    this.auditRecords = (await collectRaw(this.probe, auditEventTopic.name)).records;
    const ctx = async (name: string) => ({ bus: await bus(name), logger: log.logger, concurrency: 2 });

    this.connector = createEhrConnectorApp(await ctx('connector'), {
      // The connector reads with its own read-only SMART client: the sandbox's request log
      // tells its reads apart from the writeback's and the test's.
      adapter: new FhirAdapter(
        sandboxFhirClient(this.sandbox, { client: 'readOnly', scope: 'system/*.read' }),
      ),
      keys: this.keys,
      noteFormat: 'soap_note',
      maxAttempts: 3,
      retryInitialMs: 100,
      groupId: group('connector'),
      fromBeginning: false,
      tenantId: this.tenant,
      // Decision support (coding, phase 3) is turned on for this tenant. Consents are cached
      // for 10 minutes: only the EHR's Consent change can make a revocation count in this test.
      policy: { rollout: { default: { phase: 3 } }, consentCacheTtlMs: 600_000 },
      ingress: {
        host: '127.0.0.1',
        port: 0,
        tenantId: this.tenant,
        tasks: {
          verify: createBearerVerifier({
            publicKeyPem: this.idp.publicKeyPem,
            issuer: this.idp.issuer,
            audience: this.idp.audience,
          }),
          idempotency: {
            store: new RedisIdempotencyStore(this.redis, `${prefix}idempotency:`),
            ttlSeconds: 3600,
          },
        },
      },
    });
    const model = new AzureOpenAIModelClient({
      endpoint: this.recorder.url,
      apiKey: 'policy-int-key',
      apiVersion: '2024-10-21',
      defaultDeployment: 'notes',
    });
    const store = AuditStore.fromConfig({ url: this.db.urlAs('carerelay_audit_writer') });
    this.apps.push(
      this.connector,
      createDeidentifierApp(await ctx('deid'), {
        keys: this.keys,
        vault,
        vaultTtlSeconds: 600,
        dateShift: false,
        maxAttempts: 3,
        retryInitialMs: 100,
        groupId: group('deid'),
        fromBeginning: false,
      }),
      createLlmWorkerApp(await ctx('llm'), {
        model,
        deploymentFor: () => 'notes',
        keys: this.keys,
        limiter: new SharedRateLimiter(this.redis, `${prefix}rate`, {
          requestsPerMinute: 600,
          tokensPerMinute: 0,
        }),
        drafts: new DraftIdempotency(this.redis, prefix, 600, 60_000),
        rateMaxWaitMs: 5_000,
        callAttempts: 2,
        retryInitialMs: 100,
        maxRetryAfterMs: 1_000,
        circuit: { threshold: 5, resetMs: 1_000 },
        deliveryAttempts: 2,
        timeoutMs: 10_000,
        maxTokens: 1_500,
        groupId: group('llm'),
        fromBeginning: false,
      }),
      createWritebackApp(await ctx('writeback'), {
        vault,
        keys: this.keys,
        fhir: sandboxFhirClient(this.sandbox, { client: 'rs384' }),
        ehrEndpoint: this.sandbox.baseUrl,
        maxAttempts: 3,
        retryInitialMs: 100,
        groupId: group('writeback'),
        fromBeginning: false,
      }),
      createAuditSinkApp(await ctx('audit'), {
        store,
        migrate: async () => {
          await migrateAuditStore(this.db.adminUrl);
        },
        groupId: group('audit'),
        fromBeginning: false,
        close: () => store.close(),
      }),
    );
    for (const app of this.apps) await app.start();
    for (const b of this.buses) while (!b.health().ready) await new Promise((r) => setTimeout(r, 50));
  }

  async stop(): Promise<void> {
    for (const app of [...this.apps].reverse()) await app.stop().catch(() => undefined);
    for (const b of this.buses) await b.shutdown().catch(() => undefined);
    this.redis?.disconnect();
    await this.recorder?.close();
    await this.sandbox?.stop();
    await this.reader?.end();
    await this.db?.drop();
  }

  token(sub: string, roles: readonly string[], tenant = this.tenant): string {
    return this.idp.token({ sub, tenant, roles });
  }

  async requestTask(token: string, body: Record<string, unknown>): Promise<TaskAnswer> {
    const res = await fetch(`${this.connector.ingressUrl()!}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async taskStatus(token: string, taskId: string): Promise<TaskAnswer> {
    const res = await fetch(`${this.connector.ingressUrl()!}/v1/tasks/${encodeURIComponent(taskId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Publishes an EHR change as the EHR's ingress would (webhook, subscription or poll). */
  async publishChange(
    change: Partial<EhrChange> & Pick<EhrChange, 'clientId' | 'changeType'>,
  ): Promise<EhrChange> {
    const now = Date.now();
    const full: EhrChange = {
      eventId: `policy-int-${randomUUID()}`,
      tenantId: this.tenant,
      source: 'WEBHOOK',
      vendor: 'policy-int',
      resourceType: 'Patient',
      resourceId: change.clientId,
      resourceVersion: null,
      encounterId: null,
      actorUserId: null,
      actorRole: null,
      occurredAt: now,
      receivedAt: now,
      requestedUseCase: null,
      redraft: false,
      ...change,
    };
    await this.probe.publish(ehrChangeTopic, { key: `${full.tenantId}:${full.clientId}`, value: full });
    return full;
  }

  private async decode<T>(topic: TopicContract<T>, record: RawRecord): Promise<T> {
    if (!this.decoded.has(record)) this.decoded.set(record, await this.serde.decode(topic, record.value!));
    return this.decoded.get(record) as T;
  }

  async tasks(): Promise<AiTask[]> {
    const all = await Promise.all(this.taskRecords.map((r) => this.decode(aiTaskTopic, r)));
    return all.filter((t) => t.tenantId === this.tenant);
  }

  async task(taskId: string): Promise<AiTask | undefined> {
    return (await this.tasks()).find((t) => t.taskId === taskId);
  }

  async audits(): Promise<AuditEvent[]> {
    const all = await Promise.all(this.auditRecords.map((r) => this.decode(auditEventTopic, r)));
    return all.filter((a) => a.tenantId === this.tenant);
  }

  /** The ai.request.v1 records of a task, as the bytes on the topic. */
  async requestBytes(taskId: string): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const r of this.requestRecords) {
      const request = await this.decode(aiRequestTopic, r);
      if (request.tenantId === this.tenant && request.taskId === taskId) out.push(r.value!);
    }
    return out;
  }

  /** Every ai.request.v1 record of this tenant, as bytes (what any model could have been sent). */
  async allRequestBytes(): Promise<string> {
    const out: string[] = [];
    for (const r of this.requestRecords) {
      const request = await this.decode(aiRequestTopic, r);
      if (request.tenantId === this.tenant) out.push(r.value!.toString('utf8'));
    }
    return out.join('\n');
  }

  /** The ai.task.v1 context in plaintext, opened with the tenant's key bound to the task. */
  async openContext(task: AiTask): Promise<TaskContext> {
    const plain = await openEnvelope(task.context, {
      tenantId: task.tenantId,
      aad: `${task.tenantId}:${task.taskId}`,
      keys: this.keys,
    });
    return new PayloadCodec(taskContextPayload).decode(plain);
  }

  /** Recorded model calls whose body mentions the task (the llm-worker sends the task id as the user). */
  modelBodies(): string {
    return this.recorder.requests.map((r) => `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
  }
}
