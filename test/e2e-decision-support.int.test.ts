import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Communication, DocumentReference, Patient, QuestionnaireResponse } from '@medplum/fhirtypes';
import { KafkaBus } from '@carerelay/bus';
import { PHQ9 } from '@carerelay/clinical';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';
import { AvroSerde, RegistrySchemaStore, ehrChangeTopic, type EhrChange } from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { obeySchema, startAzureRecorder } from '@carerelay/llm/testing';
import { RedisTokenVault } from '@carerelay/phi';
import type { ServiceApp } from '@carerelay/runtime';
import { createCoderApp } from '@carerelay/service-coder';
import { createDeidentifierApp } from '@carerelay/service-deidentifier';
import {
  FhirChangePoller,
  InMemoryCursorStore,
  createEhrConnectorApp,
} from '@carerelay/service-ehr-connector';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import { createRiskScannerApp, RedisAlertDedup } from '@carerelay/service-risk-scanner';
import { createWritebackApp } from '@carerelay/service-writeback';
import { captureLogger } from './support/capture-logger.js';

interface Coded {
  readonly code?: { readonly coding?: ReadonlyArray<{ readonly code?: string }>; readonly text?: string };
}
type Flag = Coded & { readonly id?: string; readonly meta?: { readonly security?: unknown[] } };
type Task = Coded & {
  readonly id?: string;
  readonly priority?: string;
  readonly focus?: { reference?: string };
};

const LOINC = 'http://loinc.org';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A PHQ-9 as a client completes it in a portal: nine items by LOINC and the total. */
function phq9(patientId: string, items: readonly number[], authored: string): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: `${LOINC}/q/${PHQ9.panel}`,
    status: 'completed',
    subject: { reference: `Patient/${patientId}` },
    authored,
    item: [
      ...PHQ9.items.map((code, i) => ({ linkId: code, answer: [{ valueInteger: items[i] ?? 0 }] })),
      { linkId: PHQ9.total, answer: [{ valueInteger: items.reduce((a, b) => a + b, 0) }] },
    ],
  };
}

/** Items summing to `total` with item 9 as given. */
const itemsFor = (total: number, item9 = 0): number[] => {
  const items = [0, 0, 0, 0, 0, 0, 0, 0, item9];
  let left = total - item9;
  for (let i = 0; left > 0; i = (i + 1) % 8) {
    if (items[i]! < 3) {
      items[i]! += 1;
      left -= 1;
    }
  }
  return items;
};

/**
 * Issue #14's decision support end to end on real Kafka, registry and Redis, the sandbox FHIR
 * server polled for changes, and the Azure protocol recorded: screens that arrive become Flags
 * and Tasks, a signed note a draft Claim, a stagnating series a plan-review flag, and a portal
 * message in distress an urgent triage with a risk alert. Nothing identifying reaches the model.
 */
describe('decision support: risk alerts, plan review, coding, triage (real Kafka, Redis, sandbox EHR)', () => {
  const { avery, jordan } = SANDBOX_CLIENTS;
  let sandbox: SandboxEhr;
  let recorder: Awaited<ReturnType<typeof startAzureRecorder>>;
  let fhir: FhirClient;
  const apps: ServiceApp[] = [];
  const buses: KafkaBus[] = [];
  const redis = new Redis(inject('redisUrl'));
  const log = captureLogger('e2e-decision');
  const tenant = `e2e-ds-${randomUUID().slice(0, 8)}`;
  let connectorBus: KafkaBus;

  const flagsOf = async (patientId: string, trigger: string): Promise<Flag[]> =>
    ((await fhir.search('Flag', { patient: patientId })) as unknown as Flag[]).filter((f) =>
      f.code?.coding?.some((c) => c.code === trigger),
    );
  const reviewTasksOf = async (patientId: string, flags: Flag[]): Promise<Task[]> =>
    ((await fhir.search('Task', { patient: patientId })) as unknown as Task[]).filter((t) =>
      flags.some((f) => t.focus?.reference === `Flag/${f.id ?? ''}`),
    );
  const waitFor = async <T>(read: () => Promise<T[]>, ms = 30_000): Promise<T[]> => {
    let found: T[] = [];
    for (const deadline = Date.now() + ms; found.length === 0 && Date.now() < deadline;) {
      found = await read();
      if (found.length === 0) await sleep(250);
    }
    return found;
  };

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    // The model triages every message as routine: the rules, not the model, must see the risk.
    recorder = await startAzureRecorder((q, i) => {
      const answer = JSON.parse(obeySchema(q, i).content ?? '{}') as Record<string, unknown>;
      if ('urgency' in answer) Object.assign(answer, { urgency: 'routine', category: 'other' });
      return { status: 200, content: JSON.stringify(answer) };
    });
    fhir = sandboxFhirClient(sandbox);
    const keys = LocalKeyProvider.ephemeral();
    const prefix = `e2e-ds:${randomUUID()}:`;
    const vault = new RedisTokenVault(redis, keys, prefix);
    const group = (name: string): string => `e2e-ds-${name}-${randomUUID()}`;
    const bus = async (name: string): Promise<KafkaBus> => {
      const b = KafkaBus.fromConfig({
        brokers: inject('kafkaBrokers').split(','),
        clientId: `e2e-ds-${name}`,
        serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
        logger: log.logger,
      });
      await b.start();
      buses.push(b);
      return b;
    };
    const ctx = async (name: string) => ({ bus: await bus(name), logger: log.logger, concurrency: 2 });
    const connectorCtx = await ctx('connector');
    connectorBus = connectorCtx.bus;
    const retry = { maxAttempts: 3, retryInitialMs: 100, fromBeginning: false } as const;
    apps.push(
      createEhrConnectorApp(connectorCtx, {
        adapter: new FhirAdapter(fhir),
        keys,
        noteFormat: 'soap_note',
        ...retry,
        groupId: group('connector'),
        // Coding is decision support (phase 3): this tenant turned it on.
        policy: { rollout: { tenants: { [tenant]: { phase: 3 } } } },
        polling: {
          intervalMs: 400,
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
        ...retry,
        groupId: group('deid'),
      }),
      createLlmWorkerApp(await ctx('llm'), {
        model: new AzureOpenAIModelClient({
          endpoint: recorder.url,
          apiKey: 'e2e-key',
          apiVersion: '2024-10-21',
          defaultDeployment: 'notes',
        }),
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
      createRiskScannerApp(await ctx('risk'), {
        dedup: new RedisAlertDedup(redis, `${prefix}risk-dedup:`),
        ...retry,
        groupId: group('risk'),
      }),
      createCoderApp(await ctx('coder'), { ...retry, groupId: group('coder') }),
      createWritebackApp(await ctx('writeback'), {
        vault,
        keys,
        fhir,
        ehrEndpoint: sandbox.baseUrl,
        ...retry,
        groupId: group('writeback'),
      }),
    );
    for (const app of apps) await app.start();
    for (const b of buses) while (!b.health().ready) await sleep(50);
  });

  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
    for (const b of buses) await b.shutdown();
    redis.disconnect();
    await recorder?.close();
    await sandbox?.stop();
  });

  it('a PHQ-9 with item 9 = 1 becomes one Flag and one review Task; the same PHQ-9 redelivered stays one', async () => {
    const started = Date.now();
    const qr = await fhir.create(phq9(avery.patientId, itemsFor(9, 1), new Date().toISOString()));
    const flags = await waitFor(() => flagsOf(avery.patientId, 'PHQ9_ITEM9'));
    const tasks = await waitFor(() => reviewTasksOf(avery.patientId, flags));
    log.logger.info({ ms: Date.now() - started }, 'item 9 alert written');
    expect(flags).toHaveLength(1);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.priority).toBe('urgent');

    // The EHR delivers the same questionnaire twice more (a webhook retry after the poll saw it).
    const redelivery: EhrChange = {
      eventId: randomUUID(),
      tenantId: tenant,
      clientId: avery.patientId,
      changeType: 'ASSESSMENT_COMPLETED',
      source: 'WEBHOOK',
      vendor: 'fhir-r4',
      resourceType: 'QuestionnaireResponse',
      resourceId: qr.id ?? '',
      resourceVersion: null,
      encounterId: null,
      actorUserId: null,
      occurredAt: Date.now(),
      receivedAt: Date.now(),
      requestedUseCase: null,
      actorRole: null,
      redraft: false,
    };
    for (const eventId of [redelivery.eventId, redelivery.eventId, randomUUID()])
      await connectorBus.publish(ehrChangeTopic, {
        key: `${tenant}:${avery.patientId}`,
        value: { ...redelivery, eventId },
      });
    await sleep(5_000);
    const after = await flagsOf(avery.patientId, 'PHQ9_ITEM9');
    expect(after).toHaveLength(1);
    expect(await reviewTasksOf(avery.patientId, after)).toHaveLength(1);
  });

  it('a stagnating PHQ-9 series flags the client for plan review, without interrupting', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Marisol'], family: 'Quennell' }],
      birthDate: '1984-02-11',
    });
    const id = patient.id ?? '';
    const day = (ago: number): string => new Date(Date.now() - ago * 86_400_000).toISOString();
    // Four administrations a month apart, 15 → 16 → 14 → 15: no reliable change (6 points).
    for (const [total, ago] of [
      [15, 90],
      [16, 60],
      [14, 30],
      [15, 0],
    ] as const) {
      await fhir.create(phq9(id, itemsFor(total), day(ago)));
    }
    const flags = await waitFor(() => flagsOf(id, 'OUTCOME_STAGNATION'));
    expect(flags).toHaveLength(1);
    expect(flags[0]?.code?.text).toMatch(/^Plan review: /);
    await sleep(3_000);
    expect(await flagsOf(id, 'OUTCOME_STAGNATION')).toHaveLength(1);
    expect(await reviewTasksOf(id, flags)).toEqual([]);
    expect(await flagsOf(id, 'PHQ9_ITEM9')).toEqual([]);
  });

  it('a signed note becomes one draft Claim with a rationale per code, from the rules', async () => {
    const requestsBefore = recorder.requests.length;
    await fhir.create<DocumentReference>({
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: LOINC, code: '34904-3' }] },
      subject: { reference: `Patient/${avery.patientId}` },
      authenticator: { reference: `Practitioner/${SANDBOX_PRACTITIONERS.therapist.id}` },
      context: { encounter: [{ reference: `Encounter/${avery.encounterIds.session53}` }] },
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('Signed note.').toString('base64') } },
      ],
    });
    const claims = await waitFor(
      async () => (await fhir.search('Claim', { patient: avery.patientId })) as unknown[],
    );
    await sleep(2_000);
    expect(await fhir.search('Claim', { patient: avery.patientId })).toHaveLength(1);
    const claim = JSON.stringify(claims[0]);
    // 53 minutes of individual psychotherapy: 90837; the diagnosis on file, F33.1.
    expect(claim).toContain('90837');
    expect(claim).toContain('F33.1');
    expect(claim).toMatch(/Rationale for ICD-10-CM F33\.1/);
    expect(claim).toMatch(/53 min/);
    // Coding is rules, never a model.
    expect(recorder.requests.slice(requestsBefore).some((r) => r.body.includes('coding'))).toBe(false);
  });

  it('a portal message saying "I don\'t want to be here anymore" is triaged urgent and raises a risk alert', async () => {
    await fhir.create<Communication>({
      resourceType: 'Communication',
      status: 'completed',
      subject: { reference: `Patient/${jordan.patientId}` },
      sender: { reference: `Patient/${jordan.patientId}` },
      sent: new Date().toISOString(),
      payload: [{ contentString: "I don't want to be here anymore. Jordan Okafor-Reyes" }],
    });
    const flags = await waitFor(() => flagsOf(jordan.patientId, 'TEXT_SIGNAL'));
    expect(flags).toHaveLength(1);
    const triage = await waitFor(async () =>
      (
        (await fhir.search('Communication', { patient: jordan.patientId })) as unknown as Communication[]
      ).filter((c) => c.status === 'preparation'),
    );
    expect(triage).toHaveLength(1);
    // The model said routine; the rules saw the risk and raised it.
    expect(['urgent', 'stat']).toContain(triage[0]?.priority);

    const sent = recorder.requests.map((r) => `${r.path}\n${r.body}`).join('\n');
    expect(sent).toContain('want to be here anymore');
    for (const id of [jordan.given, jordan.family, jordan.mrn, jordan.phone, jordan.patientId, avery.family])
      expect(sent).not.toContain(id);
    for (const id of [jordan.family, avery.family, 'Quennell', jordan.phone])
      expect(log.text()).not.toContain(id);
  });
});
