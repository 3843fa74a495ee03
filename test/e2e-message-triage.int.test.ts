import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '@carerelay/bus';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { AvroSerde, RegistrySchemaStore, ehrChangeTopic } from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { startAzureRecorder } from '@carerelay/llm/testing';
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
import { captureLogger } from './support/capture-logger.js';

interface TriageDraft {
  readonly status?: string;
  readonly priority?: string;
  readonly category?: ReadonlyArray<{ readonly text?: string }>;
  readonly note?: ReadonlyArray<{ readonly text?: string }>;
}

const MESSAGE = "I don't want to be here anymore.";

/**
 * Issue #14's message line, for the triage half, on real Kafka, registry and Redis, the
 * sandbox FHIR server and the Azure protocol recorded: a portal message saying "I don't want
 * to be here anymore", which the model triages routine, is written back as a Communication
 * in preparation with priority urgent (same_day), the rules' evidence in its note.
 */
describe('portal message → triaged urgent whatever the model says (real Kafka, registry, Redis, sandbox EHR, Azure protocol)', () => {
  const avery = SANDBOX_CLIENTS.avery;
  let sandbox: SandboxEhr;
  let recorder: Awaited<ReturnType<typeof startAzureRecorder>>;
  let fhir: FhirClient;
  const apps: ServiceApp[] = [];
  const buses: KafkaBus[] = [];
  const redis = new Redis(inject('redisUrl'));
  const log = captureLogger('e2e-triage');
  const tenant = `e2e-triage-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    // Polling starts after the seed: only what this test writes is a change.
    const startAt = new Date().toISOString();
    // A model that reads every message as harmless.
    recorder = await startAzureRecorder(() => ({
      status: 200,
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        category: 'other',
        urgency: 'routine',
        rationale: '[CLIENT] sent a general message.',
        suggestedReply: 'Thank you for your message, [CLIENT].',
      }),
    }));
    fhir = sandboxFhirClient(sandbox);
    const keys = LocalKeyProvider.ephemeral();
    const prefix = `e2e-triage:${randomUUID()}:`;
    const vault = new RedisTokenVault(redis, keys, prefix);
    const group = (name: string): string => `e2e-triage-${name}-${randomUUID()}`;
    const bus = async (name: string): Promise<KafkaBus> => {
      const b = KafkaBus.fromConfig({
        brokers: inject('kafkaBrokers').split(','),
        clientId: `e2e-triage-${name}`,
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
      defaultDeployment: 'triage',
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
            startAt,
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
        deploymentFor: () => 'triage',
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
    for (const app of apps) await app.start();
    for (const b of buses) while (!b.health().ready) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
    for (const b of buses) await b.shutdown();
    redis.disconnect();
    await recorder?.close();
    await sandbox?.stop();
  });

  it('"I don\'t want to be here anymore", triaged routine by the model, is written back urgent with the rules\' evidence', async () => {
    await fhir.create({
      resourceType: 'Communication',
      status: 'completed',
      subject: { reference: `Patient/${avery.patientId}` },
      sender: { reference: `Patient/${avery.patientId}` },
      sent: new Date().toISOString(),
      payload: [{ contentString: `Hi, it's ${avery.given}. ${MESSAGE}` }],
    });

    let drafts: TriageDraft[] = [];
    for (const deadline = Date.now() + 45_000; drafts.length === 0 && Date.now() < deadline;) {
      const found = (await fhir.search('Communication', {
        patient: avery.patientId,
      })) as unknown as TriageDraft[];
      drafts = found.filter((c) => c.status === 'preparation');
      if (drafts.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(drafts).toHaveLength(1);
    const [draft] = drafts;
    // The model said routine: the rules floor made it same_day, which writeback writes as urgent.
    expect(draft!.priority).toBe('urgent');
    expect(draft!.category?.[0]?.text).toBe('message triage: other');
    const note = draft!.note?.map((n) => n.text ?? '').join('\n') ?? '';
    expect(note).toContain(
      'Raised by CareRelay risk rules from routine (other) to same_day (other): risk language LOW.',
    );
    expect(note).toMatch(/message 1 \(newest\) \[\d+,\d+\) passive death wish "don't want to be here"/);

    // The model saw the message, de-identified: the client's name went out as a token.
    expect(recorder.requests).toHaveLength(1);
    const sent = recorder.requests
      .map((r) => `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`)
      .join('\n');
    expect(sent).toContain(MESSAGE);
    for (const id of [avery.given, avery.family, avery.mrn, avery.birthDate, avery.phone, avery.patientId])
      expect(sent).not.toContain(id);
    // Nothing of the message in the logs.
    expect(log.text()).not.toContain('want to be here');
    for (const id of [avery.family, avery.mrn, avery.phone]) expect(log.text()).not.toContain(id);
  });
});
