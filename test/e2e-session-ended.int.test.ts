import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '@carerelay/bus';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { AvroSerde, RegistrySchemaStore, ehrChangeTopic } from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { obeySchema, startAzureRecorder } from '@carerelay/llm/testing';
import { RedisTokenVault } from '@carerelay/phi';
import type { ServiceApp } from '@carerelay/runtime';
import { createDeidentifierApp } from '@carerelay/service-deidentifier';
import {
  FhirChangePoller,
  InMemoryCursorStore,
  createEhrConnectorApp,
} from '@carerelay/service-ehr-connector';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import { createWritebackApp } from '@carerelay/service-writeback';
import {
  AuditStore,
  createAuditSinkApp,
  migrateAuditStore,
  verifyChain,
} from '@carerelay/service-audit-sink';
import { createScratchDatabase, type ScratchDatabase } from '@carerelay/service-audit-sink/testing';
import pg from 'pg';
import { captureLogger } from './support/capture-logger.js';

interface DocRef {
  readonly id?: string;
  readonly docStatus?: string;
  readonly content?: ReadonlyArray<{ readonly attachment?: { readonly data?: string } }>;
}

/**
 * Issue #5's end-to-end path on real Kafka, registry, Redis and Postgres, the sandbox FHIR
 * server, and the Azure protocol recorded: "session ended" for a seeded client →
 * a preliminary DocumentReference with SOAP sections in the EHR, re-identified,
 * with its Provenance; the model endpoint never saw the client's identifiers, and the
 * task's audit trail is in the hash-chained store in Postgres.
 */
describe('session ended → draft in the EHR (real Kafka, registry, Redis, Postgres, sandbox EHR, Azure protocol)', () => {
  const avery = SANDBOX_CLIENTS.avery;
  let sandbox: SandboxEhr;
  let recorder: Awaited<ReturnType<typeof startAzureRecorder>>;
  let fhir: FhirClient;
  const apps: ServiceApp[] = [];
  const buses: KafkaBus[] = [];
  const redis = new Redis(inject('redisUrl'));
  const log = captureLogger('e2e');
  const tenant = `e2e-${randomUUID().slice(0, 8)}`;
  let db: ScratchDatabase;
  let reader: pg.Pool;

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    // The model answers like one that follows the schema, and names the client by its token.
    recorder = await startAzureRecorder((q, i) => {
      const answer = JSON.parse(obeySchema(q, i).content ?? '{}') as Record<string, unknown>;
      return {
        status: 200,
        content: JSON.stringify({
          ...answer,
          subjective: '[CLIENT] reports sleeping better since the last session.',
        }),
      };
    });
    fhir = sandboxFhirClient(sandbox);
    db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_e2e');
    reader = new pg.Pool({ connectionString: db.urlAs('carerelay_audit_reader'), max: 2 });
    const keys = LocalKeyProvider.ephemeral();
    const prefix = `e2e:${randomUUID()}:`;
    const vault = new RedisTokenVault(redis, keys, prefix);
    const group = (name: string): string => `e2e-${name}-${randomUUID()}`;
    const bus = async (name: string): Promise<KafkaBus> => {
      const b = KafkaBus.fromConfig({
        brokers: inject('kafkaBrokers').split(','),
        clientId: `e2e-${name}`,
        serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
        logger: log.logger,
      });
      await b.start();
      buses.push(b);
      return b;
    };
    const ctx = async (name: string) => ({ bus: await bus(name), logger: log.logger, concurrency: 2 });
    const connectorCtx = await ctx('connector');
    const model = new AzureOpenAIModelClient({
      endpoint: recorder.url,
      apiKey: 'e2e-key',
      apiVersion: '2024-10-21',
      defaultDeployment: 'notes',
    });
    apps.push(
      createEhrConnectorApp(connectorCtx, {
        adapter: new FhirAdapter(fhir),
        keys,
        noteFormat: 'soap_note',
        maxAttempts: 3,
        retryInitialMs: 100,
        groupId: group('connector'),
        fromBeginning: false,
        polling: {
          intervalMs: 500,
          poller: new FhirChangePoller({
            fhir,
            cursors: new InMemoryCursorStore(),
            tenantId: tenant,
            vendor: 'fhir-r4',
            logger: log.logger,
            publish: (change) =>
              connectorCtx.bus.publish(ehrChangeTopic, {
                key: `${change.tenantId}:${change.clientId}`,
                value: change,
              }),
          }),
        },
      }),
      createDeidentifierApp(await ctx('deid'), {
        keys,
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
        keys,
        limiter: new SharedRateLimiter(redis, `${prefix}rate`, {
          requestsPerMinute: 100,
          tokensPerMinute: 0,
        }),
        drafts: new DraftIdempotency(redis, prefix, 600, 60_000),
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
        keys,
        fhir,
        ehrEndpoint: sandbox.baseUrl,
        maxAttempts: 3,
        retryInitialMs: 100,
        groupId: group('writeback'),
        fromBeginning: false,
      }),
    );
    const store = AuditStore.fromConfig({ url: db.urlAs('carerelay_audit_writer') });
    apps.push(
      createAuditSinkApp(await ctx('audit'), {
        store,
        migrate: async () => {
          await migrateAuditStore(db.adminUrl);
        },
        groupId: group('audit'),
        fromBeginning: false,
        close: () => store.close(),
      }),
    );
    for (const app of apps) await app.start();
    for (const b of buses) while (!b.health().ready) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
    for (const b of buses) await b.shutdown();
    redis.disconnect();
    await recorder.close();
    await sandbox.stop();
    await reader?.end();
    await db?.drop();
  });

  it('a finished session becomes a preliminary, re-identified SOAP draft with Provenance; the model saw no identifier', async () => {
    const encounter = await fhir.read('Encounter', avery.encounterIds.open);
    const period = (encounter as { period?: { start?: string } }).period;
    const end = new Date(Date.parse(period?.start ?? '') + 53 * 60_000).toISOString();
    await fhir.update({ ...encounter, status: 'finished', period: { ...period, end } } as typeof encounter);

    let drafts: DocRef[] = [];
    for (const deadline = Date.now() + 45_000; drafts.length === 0 && Date.now() < deadline;) {
      const docs = (await fhir.search('DocumentReference', {
        patient: avery.patientId,
      })) as unknown as DocRef[];
      drafts = docs.filter((d) => d.docStatus === 'preliminary');
      if (drafts.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(drafts).toHaveLength(1);
    const text = Buffer.from(drafts[0]!.content?.[0]?.attachment?.data ?? '', 'base64').toString('utf8');
    expect(text).toMatch(/^AI-Assisted Draft/);
    expect(text).toContain(`${avery.given} ${avery.family} reports sleeping better`);
    expect(text).toMatch(/SUBJECTIVE[\s\S]*OBJECTIVE[\s\S]*ASSESSMENT[\s\S]*PLAN/i);

    const provenance = (await fhir.search('Provenance', {
      target: `DocumentReference/${drafts[0]!.id}`,
    })) as unknown[];
    expect(provenance).toHaveLength(1);

    expect(recorder.requests).toHaveLength(1);
    const sent = recorder.requests
      .map((r) => `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`)
      .join('\n');
    for (const id of [avery.given, avery.family, avery.mrn, avery.birthDate, avery.phone, avery.patientId])
      expect(sent).not.toContain(id);
    for (const id of [avery.family, avery.mrn, avery.phone]) expect(log.text()).not.toContain(id);

    // The audit trail of the task landed in Postgres, hash-chained, with no clinical text.
    const expected = ['POLICY_DECISION', 'PHI_ACCESS', 'DEID', 'LLM_CALL', 'DRAFT_WRITTEN', 'PHI_DISCLOSURE'];
    let rows: Array<{ action: string; task_id: string | null; description: string | null }> = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      rows = (
        await reader.query<{ action: string; task_id: string | null; description: string | null }>(
          'SELECT action, task_id, description FROM audit.events WHERE tenant_id = $1 ORDER BY seq',
          [tenant],
        )
      ).rows;
      if (expected.every((a) => rows.some((r) => r.action === a))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(expected.filter((a) => !rows.some((r) => r.action === a))).toEqual([]);
    const stored = JSON.stringify(rows);
    for (const id of [avery.given, avery.family, avery.mrn, avery.phone]) expect(stored).not.toContain(id);
    expect(stored).not.toContain('sleeping better');
    const chain = await verifyChain(reader, tenant);
    expect(chain).toMatchObject({ ok: true, checked: rows.length });
  });
});
