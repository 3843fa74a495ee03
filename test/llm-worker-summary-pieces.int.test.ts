import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { DLQ_HEADERS, KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually, uniqueName } from '@carerelay/bus/testing';
import { LocalKeyProvider, keyedHash, type KeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  RegistrySchemaStore,
  aiDraftTopic,
  aiRequestTopic,
  auditEventTopic,
  dlqTopicName,
  type AiRequest,
  type AuditEvent,
  type TaskContext,
} from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { obeySchema, startAzureRecorder, type RecordedRequest, type Responder } from '@carerelay/llm/testing';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { FIXTURE_IDENTIFIERS, FIXTURE_WORD_NAMES, fixtureTaskContext } from '@carerelay/phi/testing';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import type { ServiceApp } from '@carerelay/runtime';
import { captureLogger } from './support/capture-logger.js';

const serde = (): AvroSerde => new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
const DEPLOYMENT = 'gpt-4o-summary';
/** 40 notes of ~1,500 de-identified characters make a ~16,000-token prompt: more than 4 pieces of this. */
const CHUNK_TOKENS = 4_000;
const NOTES = 40;
const PARTIAL_SCHEMA = 'chart_summary_partial_1_0_0';
const FINAL_SCHEMA = 'chart_summary_1_0_0';

const marker = (i: number): string => `Session ${String(i + 1).padStart(2, '0')} of the year.`;
const FILLER =
  'Reviewed the thought record; identified catastrophic predictions about work and practiced ' +
  'reframing them with evidence for and against. Rehearsed paced breathing and a grounding ' +
  'exercise in session; she rated anxiety 7/10 before and 4/10 after. ';

/** The fixture client with 40 long weekly notes of the last year, each full of her identifiers. */
function longChart(): TaskContext {
  const fixture = fixtureTaskContext();
  const day = (i: number): string =>
    new Date(Date.now() - (2 + 7 * i) * 86_400_000).toISOString().slice(0, 10);
  return {
    ...fixture,
    encounter: null,
    sessionNotes: null,
    priorNotes: Array.from({ length: NOTES }, (_, i) => ({
      id: `doc-${i + 1}`,
      date: day(i),
      text: [marker(i), fixture.priorNotes[0]!.text, fixture.sessionNotes, FILLER.repeat(4)].join(' '),
    })),
  };
}

async function summaryRequest(keys: KeyProvider, tenantId: string): Promise<AiRequest> {
  const deid = deidentifyContext(longChart());
  const fingerprintKey = await keys.deriveKey(tenantId, 'fingerprint');
  return {
    taskId: randomUUID(),
    tenantId,
    subjectRef: keyedHash(await keys.deriveKey(tenantId, 'pseudonym'), 'pt-4471'),
    useCase: 'chart_summary',
    purposeOfUse: 'TREATMENT',
    deidentifiedContext: JSON.stringify(deid.context),
    vaultKey: `vault:${tenantId}:x`,
    deidCounts: deid.counts,
    dateShifted: false,
    securityLabels: [],
    consentRef: null,
    createdAt: Date.now(),
    knownFingerprints: knownFingerprintValues(deid.known).map((v) => keyedHash(fingerprintKey, v)),
    issuedTokens: issuedTokensOf(deid),
  };
}

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return [
    ...FIXTURE_IDENTIFIERS.filter((id) => lower.includes(id.toLowerCase())),
    ...FIXTURE_WORD_NAMES.filter((n) => new RegExp(`\\b${n}\\b`).test(text)),
  ];
}

interface SentBody {
  messages: Array<{ role: string; content: string }>;
  response_format: { json_schema: { name: string } };
}
const bodyOf = (q: RecordedRequest): SentBody => JSON.parse(q.body) as SentBody;
const schemaOf = (q: RecordedRequest): string => bodyOf(q).response_format.json_schema.name;
const userOf = (q: RecordedRequest): string =>
  bodyOf(q).messages.find((m) => m.role === 'user')?.content ?? '';

/** Each partial call answers with a summary naming its own position, so the final prompt can be checked. */
const numberedPartials: Responder = (q, i) =>
  schemaOf(q) === PARTIAL_SCHEMA
    ? {
        status: 200,
        content: JSON.stringify({ summary: `Partial summary ${i + 1} of [CLIENT].`, risk: null }),
      }
    : obeySchema(q, i);

describe('llm-worker: a long chart summary is summarized in pieces (real Kafka, registry, Redis; Azure protocol recorded)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(responder: Responder, deliveryAttempts = 3) {
    const recorder = await startAzureRecorder(responder);
    const keys = LocalKeyProvider.ephemeral();
    const prefix = `test:${randomUUID()}:`;
    const log = captureLogger('llm-worker');
    const bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'llm-pieces',
      serde: serde(),
      logger: log.logger,
    });
    await bus.start();
    const redis = new Redis(inject('redisUrl'));
    const model = new AzureOpenAIModelClient({
      endpoint: recorder.url,
      apiKey: 'test-key',
      apiVersion: '2024-10-21',
      defaultDeployment: DEPLOYMENT,
    });
    const app: ServiceApp = createLlmWorkerApp(
      { bus, logger: log.logger, concurrency: 3 },
      {
        model,
        deploymentFor: (r) => model.deploymentFor(r.useCase),
        keys,
        limiter: new SharedRateLimiter(redis, `${prefix}llm:rate`, {
          requestsPerMinute: 1_000,
          tokensPerMinute: 0,
          windowMs: 60_000,
        }),
        drafts: new DraftIdempotency(redis, prefix, 600, 60_000),
        rateMaxWaitMs: 30_000,
        callAttempts: 2,
        retryInitialMs: 50,
        maxRetryAfterMs: 5_000,
        circuit: { threshold: 50, resetMs: 1_000 },
        deliveryAttempts,
        timeoutMs: 10_000,
        maxTokens: 1_500,
        summaryChunkTokens: CHUNK_TOKENS,
        groupId: uniqueName('llm-pieces'),
        fromBeginning: false,
      },
    );
    await app.start();
    onTestFailed(() => console.log(log.text().split('\n').slice(-30).join('\n')));
    const drafts = await collectRaw(bus, aiDraftTopic.name, { fromBeginning: false });
    const audits = await collectRaw(bus, auditEventTopic.name, { fromBeginning: false });
    const dlq = await collectRaw(bus, dlqTopicName(aiRequestTopic.name), { fromBeginning: false });
    await eventually(() => bus.health().ready, 'worker and collectors to join');
    cleanups.push(async () => {
      await Promise.all([drafts, audits, dlq].map((c) => c.subscription.stop()));
      await app.stop();
      await bus.shutdown();
      redis.disconnect();
      await recorder.close();
    });
    const publish = (r: AiRequest): Promise<void> =>
      bus.publish(aiRequestTopic, { key: `${r.tenantId}:${r.subjectRef}`, value: r });
    return { recorder, keys, log, publish, drafts: drafts.records, audits: audits.records, dlq: dlq.records };
  }

  const callsOf = async (records: RawRecord[], taskId: string): Promise<AuditEvent[]> =>
    (await Promise.all(records.map((r) => serde().decode(auditEventTopic, r.value!)))).filter(
      (a) => a.taskId === taskId && a.action === 'LLM_CALL',
    );

  it('40 long notes: N piece calls of consecutive notes within the budget, then 1 final call; no identifier leaves; one draft', async () => {
    const env = await start(numberedPartials);
    const r = await summaryRequest(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await eventually(() => env.drafts.length === 1, 'the draft', 60_000);

    const sent = env.recorder.requests;
    const partials = sent.filter((q) => schemaOf(q) === PARTIAL_SCHEMA);
    const N = partials.length;
    expect(N).toBeGreaterThanOrEqual(5);
    expect(sent).toHaveLength(N + 1);
    expect(schemaOf(sent[N]!)).toBe(FINAL_SCHEMA);
    // Every note in exactly one piece, pieces in order, newest first; each piece within the budget.
    const inPiece = partials.map((q) =>
      Array.from({ length: NOTES }, (_, i) => i).filter((i) => userOf(q).includes(marker(i))),
    );
    expect(inPiece.flat()).toEqual(Array.from({ length: NOTES }, (_, i) => i));
    for (const q of partials) {
      const chars = bodyOf(q).messages.reduce((n, m) => n + m.content.length, 0);
      expect(Math.ceil(chars / 4)).toBeLessThanOrEqual(CHUNK_TOKENS);
    }
    // The final call reads the partial summaries and the rest of the context, not the notes.
    const final = userOf(sent[N]!);
    for (let i = 0; i < N; i++) expect(final).toContain(`Partial summary ${i + 1} of [CLIENT].`);
    expect(final).toContain('F41.1');
    expect(final).not.toContain(marker(0));
    // No fixture identifier in any byte that would have left the network.
    const everything = sent.map((q) => `${q.path}\n${JSON.stringify(q.headers)}\n${q.body}`).join('\n');
    expect(leaks(everything)).toEqual([]);

    // Published once; each call audited like any model call, with the hash of what was sent.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const published = await Promise.all(env.drafts.map((d) => serde().decode(aiDraftTopic, d.value!)));
    expect(published.filter((d) => d.taskId === r.taskId)).toHaveLength(1);
    expect(published[0]!.provenance).toMatchObject({ templateId: 'chart_summary', deployment: DEPLOYMENT });
    await eventually(
      async () => (await callsOf(env.audits, r.taskId)).length === N + 1,
      'N + 1 LLM_CALL audits',
    );
    const calls = await callsOf(env.audits, r.taskId);
    expect(calls.map((a) => a.templateVersion)).toEqual([
      ...Array.from({ length: N }, () => 'chart_summary.partial@1.0.0'),
      'chart_summary@1.0.0',
    ]);
    expect(calls.every((a) => a.outcome === 'SUCCESS' && a.recipient !== null)).toBe(true);
    const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
    expect(calls.map((a) => a.hashes.prompt)).toEqual(
      sent.map((q) => sha(JSON.stringify(bodyOf(q).messages))),
    );
    expect(calls[N]!.counts.partialCalls).toBe(N);
    expect(leaks(env.audits.map((a) => a.value!.toString('utf8')).join(''))).toEqual([]);
    expect(leaks(env.log.text())).toEqual([]);
  });

  it('a piece that fails fails the task like a single call: retried, then dead-lettered, no final call, no draft', async () => {
    // Every piece but the first answers off-schema, on every delivery.
    const env = await start(
      (q, i) =>
        schemaOf(q) === PARTIAL_SCHEMA && !userOf(q).includes(marker(0))
          ? { status: 200, content: '{"summary": 42}' }
          : numberedPartials(q, i),
      2,
    );
    const r = await summaryRequest(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await eventually(() => env.dlq.length === 1, 'the request in the DLQ', 60_000);
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('LLM_OUTPUT_INVALID');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('2');
    // Two deliveries, each: piece 1 (valid), piece 2 (invalid), then it stops.
    expect(env.recorder.requests.map(schemaOf)).toEqual([
      PARTIAL_SCHEMA,
      PARTIAL_SCHEMA,
      PARTIAL_SCHEMA,
      PARTIAL_SCHEMA,
    ]);
    expect(env.drafts).toHaveLength(0);
    const calls = await callsOf(env.audits, r.taskId);
    expect(calls.map((a) => a.outcome)).toEqual(['SUCCESS', 'FAILURE', 'SUCCESS', 'FAILURE']);
    expect(calls[1]).toMatchObject({
      reasonCode: 'LLM_OUTPUT_INVALID',
      templateVersion: 'chart_summary.partial@1.0.0',
    });
  });
});
