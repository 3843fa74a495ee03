import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider, keyedHash, type KeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  InMemorySchemaStore,
  aiDraftTopic,
  aiRequestTopic,
  dlqTopicName,
  type AiDraft,
  type AiRequest,
  type TaskContext,
  type UseCase,
} from '@carerelay/events';
import { OfflineTemplateProvider } from '@carerelay/llm';
import { createLogger } from '@carerelay/logger';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { createLlmWorkerApp } from './app.js';
import { InMemoryDraftCache, InMemoryRateGate } from './domain/in-memory.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });

async function request(
  keys: KeyProvider,
  useCase: UseCase,
  part2: Pick<AiRequest, 'securityLabels' | 'consentRef'> = { securityLabels: [], consentRef: null },
  context: TaskContext = fixtureTaskContext(),
): Promise<AiRequest> {
  const deid = deidentifyContext(context);
  const fingerprintKey = await keys.deriveKey('t1', 'fingerprint');
  return {
    taskId: randomUUID(),
    tenantId: 't1',
    subjectRef: 'pseudo-1',
    useCase,
    purposeOfUse: useCase === 'coding' ? 'PAYMENT' : 'TREATMENT',
    deidentifiedContext: JSON.stringify(deid.context),
    vaultKey: 'vault:t1:x',
    deidCounts: deid.counts,
    dateShifted: false,
    ...part2,
    createdAt: Date.now(),
    knownFingerprints: knownFingerprintValues(deid.known).map((v) => keyedHash(fingerprintKey, v)),
    issuedTokens: issuedTokensOf(deid),
  };
}

describe('llm-worker: what a draft carries from its request', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup() {
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const drafts = await collectRaw(bus, aiDraftTopic.name);
    const dlq = await collectRaw(bus, dlqTopicName(aiRequestTopic.name));
    const keys = LocalKeyProvider.ephemeral();
    const app = createLlmWorkerApp(
      { bus, logger, concurrency: 1 },
      {
        model: new OfflineTemplateProvider(),
        deploymentFor: () => 'offline-template',
        keys,
        limiter: new InMemoryRateGate({ requestsPerMinute: 1_000, tokensPerMinute: 0 }),
        drafts: new InMemoryDraftCache(),
        rateMaxWaitMs: 1_000,
        callAttempts: 1,
        retryInitialMs: 5,
        maxRetryAfterMs: 1_000,
        circuit: { threshold: 10, resetMs: 1_000 },
        deliveryAttempts: 1,
        timeoutMs: 5_000,
        maxTokens: 1_500,
      },
    );
    await app.start();
    const publish = (r: AiRequest) => bus.publish(aiRequestTopic, { key: `t1:${r.subjectRef}`, value: r });
    const draftEvents = (): Promise<AiDraft[]> =>
      Promise.all(drafts.records.map((r) => serde.decode(aiDraftTopic, r.value!)));
    return { keys, publish, drafts: drafts.records, dlq: dlq.records, draftEvents };
  }

  it('a Part 2 request: the draft keeps its security labels and the consent it rests on', async () => {
    const env = await setup();
    const r = await request(env.keys, 'soap_note', {
      securityLabels: ['42CFRPart2', 'ETH', 'R'],
      consentRef: 'Consent/c-9/_history/3',
    });
    await env.publish(r);
    await eventually(() => env.drafts.length === 1, 'the draft');
    const [draft] = await env.draftEvents();
    expect(draft).toMatchObject({
      taskId: r.taskId,
      securityLabels: ['42CFRPart2', 'ETH', 'R'],
      consentRef: 'Consent/c-9/_history/3',
    });
  });

  it('an ordinary request: no labels, no consent reference', async () => {
    const env = await setup();
    await env.publish(await request(env.keys, 'dap_note'));
    await eventually(() => env.drafts.length === 1, 'the draft');
    const [draft] = await env.draftEvents();
    expect(draft).toMatchObject({ securityLabels: [], consentRef: null });
  });

  it('a goal progress draft carries the PHQ-9 series and its findings by rules, dates as tokens only', async () => {
    const env = await setup();
    const fixture = fixtureTaskContext();
    const phq9 = (date: string, total: number) => ({
      instrument: 'PHQ-9',
      loinc: '44261-6',
      date,
      total,
      items: {},
      subject: false,
    });
    // The adapter's window read: newest first.
    const dates = ['2026-03-02', '2026-02-23', '2026-02-09', '2026-01-26', '2026-01-12'];
    const context: TaskContext = {
      ...fixture,
      assessments: [16, 15, 14, 16, 15].map((total, i) => phq9(dates[i]!, total)),
    };
    await env.publish(await request(env.keys, 'goal_progress', undefined, context));
    await eventually(() => env.drafts.length === 1, 'the draft');
    const [draft] = await env.draftEvents();
    expect(draft!.provenance.templateVersion).toBe('1.1.0');
    const [measure] = draft!.measures;
    expect(measure!.instrument).toBe('PHQ-9');
    expect(measure!.points.map((p) => p.total)).toEqual([15, 16, 14, 15, 16]);
    expect(measure!.points.every((p) => /^\[DATE_\d+\]$/.test(p.date))).toBe(true);
    expect(measure!.findings.join('\n')).toMatch(
      /PHQ-9 stagnation .*: met over the last 5 scores since \[DATE_\d+\]/,
    );
    const carried = JSON.stringify(draft!.measures);
    for (const d of dates) expect(carried).not.toContain(d);
  });

  it('a note draft carries no measures', async () => {
    const env = await setup();
    await env.publish(await request(env.keys, 'soap_note'));
    await eventually(() => env.drafts.length === 1, 'the draft');
    expect((await env.draftEvents())[0]!.measures).toEqual([]);
  });

  it("an intake extraction carries the rules' structured fields, computed from the de-identified answers", async () => {
    const env = await setup();
    const answer = (question: string, text: string, code: string | null = null) => ({
      question,
      answer: text,
      linkId: null,
      code,
    });
    const context: TaskContext = {
      ...fixtureTaskContext(),
      intakeAnswers: [
        answer('What brings you in today?', 'Since Will moved out I cannot sleep.'),
        answer('Marital status', 'Separated'),
        answer('Q9', 'Several days', '44260-8'),
        answer('Have you had thoughts of killing yourself?', 'yes'),
      ],
    };
    await env.publish(await request(env.keys, 'intake_extraction', undefined, context));
    await env.publish(await request(env.keys, 'soap_note', undefined, context));
    await eventually(() => env.drafts.length === 2, 'both drafts');
    const [intake, soap] = await env.draftEvents();
    expect(soap?.intakeExtraction).toBeNull();
    const extraction = intake?.intakeExtraction;
    // The husband's name is a token: the extraction was made from the de-identified answers.
    expect(extraction?.presentingProblem?.answer).toMatch(
      /^Since \[PERSON_\d+\] moved out I cannot sleep\.$/,
    );
    expect(extraction?.socialFacts.map((f) => [f.code.code, f.value?.code])).toEqual([['45404-1', 'L']]);
    expect(extraction?.risk.phq9Item9).toBe(1);
    expect(extraction?.risk.level).toBe('MODERATE');
    expect(JSON.stringify(extraction)).not.toMatch(/Will|Baker|Okonkwo/);
  });

  it('a rules use case (coding) is left to the coder: no draft, no failure', async () => {
    const env = await setup();
    const coding = await request(env.keys, 'coding');
    const soap = await request(env.keys, 'soap_note');
    await env.publish(coding);
    await env.publish(soap); // same key, same partition: handled after the coding request
    await eventually(() => env.drafts.length === 1, 'the soap draft');
    await new Promise((r) => setTimeout(r, 50));
    expect((await env.draftEvents()).map((d) => d.taskId)).toEqual([soap.taskId]);
    // Drafting it would fail (no template for coding) and dead-letter it.
    expect(env.dlq).toEqual([]);
  });
});
