import { randomUUID } from 'node:crypto';
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
  type DeidentifiedContext,
} from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { FIXTURE_IDENTIFIERS, FIXTURE_WORD_NAMES, fixtureTaskContext } from '@carerelay/phi/testing';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import type { ServiceApp } from '@carerelay/runtime';
import { obeySchema, startAzureRecorder, type RecordedRequest } from '@carerelay/llm/testing';
import { captureLogger } from './support/capture-logger.js';

const serde = (): AvroSerde => new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
const DEPLOYMENT = 'gpt-4o-notes';
const API_VERSION = '2024-10-21';

async function request(keys: KeyProvider, tenantId: string): Promise<AiRequest> {
  const deid = deidentifyContext(fixtureTaskContext());
  const fingerprintKey = await keys.deriveKey(tenantId, 'fingerprint');
  return {
    taskId: randomUUID(),
    tenantId,
    subjectRef: keyedHash(await keys.deriveKey(tenantId, 'pseudonym'), 'pt-4471'),
    useCase: 'soap_note',
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

/** A message_triage request: the client's portal messages (newest first), with the names de-identification needs. */
async function triageRequest(keys: KeyProvider, tenantId: string, ...texts: string[]): Promise<AiRequest> {
  const fixture = fixtureTaskContext();
  const deid = deidentifyContext({
    ...fixture,
    encounter: null,
    sessionNotes: null,
    priorNotes: [],
    goals: [],
    assessments: [],
    diagnoses: [],
    messages: texts.map((text, i) => ({ id: `msg-${i}`, sentAt: `2026-03-0${9 - i}T08:15:00Z`, text })),
  });
  const fingerprintKey = await keys.deriveKey(tenantId, 'fingerprint');
  return {
    ...(await request(keys, tenantId)),
    useCase: 'message_triage',
    deidentifiedContext: JSON.stringify(deid.context),
    deidCounts: deid.counts,
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

describe('llm-worker on real Kafka, registry and Redis, with the Azure protocol recorded', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(
    options: { instances?: number; rpm?: number; windowMs?: number; deliveryAttempts?: number } = {},
  ) {
    const recorder = await startAzureRecorder();
    const keys = LocalKeyProvider.ephemeral();
    const prefix = `test:${randomUUID()}:`;
    const groupId = uniqueName('llm');
    const log = captureLogger('llm-worker');
    const buses: KafkaBus[] = [];
    const redises: Redis[] = [];
    const apps: ServiceApp[] = [];
    for (let i = 0; i < (options.instances ?? 1); i++) {
      const bus = KafkaBus.fromConfig({
        brokers: inject('kafkaBrokers').split(','),
        clientId: `llm-${i}`,
        serde: serde(),
        logger: log.logger,
      });
      await bus.start();
      const redis = new Redis(inject('redisUrl'));
      const model = new AzureOpenAIModelClient({
        endpoint: recorder.url,
        apiKey: 'test-key',
        apiVersion: API_VERSION,
        defaultDeployment: DEPLOYMENT,
      });
      const app = createLlmWorkerApp(
        { bus, logger: log.logger, concurrency: 3 },
        {
          model,
          deploymentFor: (r) => model.deploymentFor(r.useCase),
          keys,
          limiter: new SharedRateLimiter(redis, `${prefix}llm:rate`, {
            requestsPerMinute: options.rpm ?? 1_000,
            tokensPerMinute: 0,
            windowMs: options.windowMs ?? 60_000,
          }),
          drafts: new DraftIdempotency(redis, prefix, 600, 60_000),
          rateMaxWaitMs: 30_000,
          callAttempts: 4,
          retryInitialMs: 50,
          maxRetryAfterMs: 5_000,
          circuit: { threshold: 10, resetMs: 1_000 },
          deliveryAttempts: options.deliveryAttempts ?? 3,
          timeoutMs: 10_000,
          maxTokens: 1_500,
          groupId,
          fromBeginning: false,
        },
      );
      await app.start();
      buses.push(bus);
      redises.push(redis);
      apps.push(app);
    }
    onTestFailed(() => console.log(log.text().split('\n').slice(-30).join('\n')));
    // Only what this test publishes: collectors start at the end of each topic, and join before it publishes.
    const drafts = await collectRaw(buses[0]!, aiDraftTopic.name, { fromBeginning: false });
    const audits = await collectRaw(buses[0]!, auditEventTopic.name, { fromBeginning: false });
    const dlq = await collectRaw(buses[0]!, dlqTopicName(aiRequestTopic.name), { fromBeginning: false });
    await eventually(() => buses.every((b) => b.health().ready), 'workers and collectors to join');
    cleanups.push(async () => {
      await Promise.all([drafts, audits, dlq].map((c) => c.subscription.stop()));
      for (const app of apps) await app.stop();
      for (const bus of buses) await bus.shutdown();
      for (const r of redises) r.disconnect();
      await recorder.close();
    });
    const publish = (r: AiRequest): Promise<void> =>
      buses[0]!.publish(aiRequestTopic, { key: `${r.tenantId}:${r.subjectRef}`, value: r });
    return { recorder, keys, log, publish, drafts: drafts.records, audits: audits.records, dlq: dlq.records };
  }

  const draftsOf = async (records: RawRecord[], taskId: string) =>
    (await Promise.all(records.map((r) => serde().decode(aiDraftTopic, r.value!)))).filter(
      (d) => d.taskId === taskId,
    );
  const auditsOf = async (records: RawRecord[], taskId: string): Promise<AuditEvent[]> =>
    (await Promise.all(records.map((r) => serde().decode(auditEventTopic, r.value!)))).filter(
      (a) => a.taskId === taskId,
    );

  it('sends the Azure request shape, and no fixture identifier in any recorded byte', async () => {
    const env = await start();
    const r = await request(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await eventually(() => env.drafts.length === 1, 'a draft', 30_000);

    expect(env.recorder.requests).toHaveLength(1);
    const sent = env.recorder.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(sent.query['api-version']).toBe(API_VERSION);
    expect(sent.headers['api-key']).toBe('test-key');
    const body = JSON.parse(sent.body) as {
      messages: Array<{ role: string; content: string }>;
      response_format: { type: string; json_schema: { name: string; strict: boolean; schema: object } };
    };
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.messages[1]!.content).toContain('[CLIENT]');
    const everything = env.recorder.requests
      .map((q) => `${q.path}?${JSON.stringify(q.query)}\n${JSON.stringify(q.headers)}\n${q.body}`)
      .join('\n');
    expect(leaks(everything)).toEqual([]);

    const [draft] = await draftsOf(env.drafts, r.taskId);
    expect(draft!.provenance).toMatchObject({
      provider: 'AZURE_OPENAI',
      deployment: DEPLOYMENT,
      modelVersion: 'gpt-4o-2024-08-06',
      templateId: 'soap_note',
      finishReason: 'stop',
    });
    expect(draft!.provenance.templateHash).toMatch(/^[0-9a-f]{64}$/);
    await eventually(() => env.audits.length > 0, 'audit');
    const calls = (await auditsOf(env.audits, r.taskId)).filter((a) => a.action === 'LLM_CALL');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.hashes.prompt).toMatch(/^[0-9a-f]{64}$/);
    expect(calls[0]!.counts.promptTokens).toBeGreaterThan(0);
    expect(leaks(env.audits.map((a) => a.value!.toString('utf8')).join(''))).toEqual([]);
    expect(leaks(env.log.text())).toEqual([]);
  });

  it('a message the model triages routine, "I don\'t want to be here anymore", is published same_day by the rules floor', async () => {
    const env = await start();
    env.recorder.respond(() => ({
      status: 200,
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        category: 'other',
        urgency: 'routine',
        rationale: '[CLIENT] sent a general message.',
        suggestedReply: 'Thank you for your message, [CLIENT].',
      }),
    }));
    const r = await triageRequest(
      env.keys,
      uniqueName('tenant'),
      "Hi, it's Dani Okonkwo. I don't want to be here anymore.",
      'Can Will come with me on Thursday?',
    );
    await env.publish(r);
    await eventually(() => env.drafts.length === 1, 'a draft', 30_000);

    // The model saw the message, de-identified, and nothing of the fixture's identifiers.
    expect(env.recorder.requests).toHaveLength(1);
    const sent = env.recorder.requests[0]!;
    const body = JSON.parse(sent.body) as { messages: Array<{ role: string; content: string }> };
    expect(body.messages[1]!.content).toContain("[CLIENT]. I don't want to be here anymore.");
    expect(
      leaks(`${sent.path}?${JSON.stringify(sent.query)}\n${JSON.stringify(sent.headers)}\n${sent.body}`),
    ).toEqual([]);

    const [draft] = await draftsOf(env.drafts, r.taskId);
    const content = JSON.parse(draft!.content) as Record<string, string>;
    expect(content).toMatchObject({ category: 'other', urgency: 'same_day' });
    const rulesLine = content.rationale!.split('\n')[0]!;
    expect(rulesLine).toMatch(
      /^Raised by CareRelay risk rules from routine \(other\) to same_day \(other\): risk language LOW\./,
    );
    const [, from, to] = /message 1 \(newest\) \[(\d+),(\d+)\) passive death wish/.exec(rulesLine)!;
    const newest = (JSON.parse(r.deidentifiedContext) as DeidentifiedContext).messages[0]!.text;
    expect(newest.slice(Number(from), Number(to))).toBe("don't want to be here");
    expect(draft!.placeholders).toContain('[CRISIS_RESOURCES]');

    await eventually(
      async () => (await auditsOf(env.audits, r.taskId)).some((a) => a.action === 'POLICY_DECISION'),
      'the floor audit',
      30_000,
    );
    const raised = (await auditsOf(env.audits, r.taskId)).find((a) => a.action === 'POLICY_DECISION')!;
    expect(raised).toMatchObject({ outcome: 'SUCCESS', reasonCode: 'TRIAGE_RAISED_BY_RULES' });
    expect(raised.counts).toMatchObject({
      urgencyRaised: 1,
      'evidence.0.message': 0,
      'evidence.0.start': Number(from),
      'evidence.0.end': Number(to),
    });
    const audited = env.audits.map((a) => a.value!.toString('utf8')).join('');
    expect(leaks(audited)).toEqual([]);
    expect(leaks(env.log.text())).toEqual([]);
    for (const words of ['want to be here', 'come with me']) {
      expect(audited).not.toContain(words);
      expect(env.log.text()).not.toContain(words);
    }
  });

  it('retries 429 with Retry-After and a 500, then drafts', async () => {
    const env = await start();
    env.recorder.respond((q, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' } }
        : i === 1
          ? { status: 500 }
          : obeySchema(q, i),
    );
    const r = await request(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await eventually(() => env.drafts.length === 1, 'a draft', 30_000);
    const times = env.recorder.requests.map((q: RecordedRequest) => q.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it('dead-letters a malformed model response with its cause, after the retries', async () => {
    const env = await start({ deliveryAttempts: 3 });
    env.recorder.respond(() => ({ status: 200, content: '{"subjective": 42}' }));
    const r = await request(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await eventually(() => env.dlq.length === 1, 'the request in the DLQ', 30_000);
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('LLM_OUTPUT_INVALID');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(env.recorder.requests).toHaveLength(3);
    expect(env.drafts).toHaveLength(0);
  });

  it('a redelivered request makes exactly one upstream call', async () => {
    const env = await start();
    const r = await request(env.keys, uniqueName('tenant'));
    await env.publish(r);
    await env.publish(r);
    await eventually(() => env.drafts.length === 2, 'two drafts (the second from the cache)', 30_000);
    expect(env.recorder.requests).toHaveLength(1);
    const [a, b] = await draftsOf(env.drafts, r.taskId);
    expect(b!.content).toBe(a!.content);
  });

  it('blocks a request whose context still holds a known identifier: nothing is sent', async () => {
    const env = await start();
    const r = await request(env.keys, uniqueName('tenant'));
    const leaky = {
      ...r,
      deidentifiedContext: r.deidentifiedContext.replace('[CLIENT] reported', 'Okonkwo reported'),
    };
    await env.publish(leaky);
    await eventually(() => env.dlq.length === 1, 'the request in the DLQ', 30_000);
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('LLM_LEAK_BLOCKED');
    expect(env.recorder.requests).toHaveLength(0);
    await eventually(() => env.audits.length >= 1, 'audit');
    expect((await auditsOf(env.audits, r.taskId)).map((a) => a.action)).toContain('LEAK_BLOCKED');
  });

  it('checks the rendered prompt: hidden and bracketed names are blocked, and nothing goes over HTTP', async () => {
    const env = await start();
    const tenant = uniqueName('tenant');
    // Each hides a known identifier from a scan of the context JSON, not from the model.
    const hide = [
      (c: DeidentifiedContext): DeidentifiedContext => ({
        ...c,
        diagnoses: [{ code: 'F41.1', display: '[Dani Okonkwo]' }],
      }),
      (c: DeidentifiedContext): DeidentifiedContext => ({
        ...c,
        sessionNotes: 'Seen today.\\nOkonkwo slept better.',
      }),
      (c: DeidentifiedContext): DeidentifiedContext => ({
        ...c,
        sessionNotes: 'Seen today; D.a.n.i slept better.',
      }),
    ];
    const requests = await Promise.all(
      hide.map(async (f, i) => {
        const r = await request(env.keys, tenant);
        const context = f(JSON.parse(r.deidentifiedContext) as DeidentifiedContext);
        return { ...r, subjectRef: `${r.subjectRef}${i}`, deidentifiedContext: JSON.stringify(context) };
      }),
    );
    for (const r of requests) await env.publish(r);
    // Sentinel: every request has an outcome, a dead letter or a draft.
    await eventually(
      () => env.dlq.length + env.drafts.length === requests.length,
      'an outcome for each',
      30_000,
    );
    expect(env.recorder.requests).toHaveLength(0);
    expect(env.drafts).toHaveLength(0);
    expect(env.dlq.map((d) => d.headers[DLQ_HEADERS.errorCode])).toEqual(
      requests.map(() => 'LLM_LEAK_BLOCKED'),
    );
  });

  it('two instances share one rate limit: no window ever sees more than N calls', async () => {
    const N = 4;
    const WINDOW = 2_000;
    const env = await start({ instances: 2, rpm: N, windowMs: WINDOW });
    const tenant = uniqueName('tenant');
    const requests = await Promise.all(Array.from({ length: 10 }, () => request(env.keys, tenant)));
    // Different subjects spread the requests over partitions, hence over both instances.
    await Promise.all(requests.map((r, i) => env.publish({ ...r, subjectRef: `${r.subjectRef}${i}` })));
    await eventually(() => env.drafts.length === 10, 'ten drafts', 60_000);
    const times = env.recorder.requests.map((q) => q.at).sort((a, b) => a - b);
    expect(times).toHaveLength(10);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + WINDOW).length).toBeLessThanOrEqual(N);
  });
});
