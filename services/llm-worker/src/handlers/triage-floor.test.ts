import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider, keyedHash, type KeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  InMemorySchemaStore,
  aiDraftTopic,
  aiRequestTopic,
  auditEventTopic,
  type AiDraft,
  type AiRequest,
  type AuditEvent,
  type DeidentifiedContext,
  type TaskContext,
} from '@carerelay/events';
import { AzureOpenAIModelClient } from '@carerelay/llm';
import { startAzureRecorder } from '@carerelay/llm/testing';
import { createLogger } from '@carerelay/logger';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { createLlmWorkerApp } from '../app.js';
import { InMemoryDraftCache, InMemoryRateGate } from '../domain/in-memory.js';
import { TRIAGE_RAISED_BY_RULES } from './triage-floor.js';

const serde = new AvroSerde(new InMemorySchemaStore());

/** A message_triage read: the client's messages (newest first) and the names de-identification needs. */
function messageContext(...texts: string[]): TaskContext {
  const fixture = fixtureTaskContext();
  return {
    ...fixture,
    encounter: null,
    sessionNotes: null,
    priorNotes: [],
    goals: [],
    assessments: [],
    diagnoses: [],
    messages: texts.map((text, i) => ({ id: `msg-${i}`, sentAt: `2026-03-0${9 - i}T08:15:00Z`, text })),
  };
}

async function triageRequest(keys: KeyProvider, context: TaskContext): Promise<AiRequest> {
  const deid = deidentifyContext(context);
  const fingerprintKey = await keys.deriveKey('t1', 'fingerprint');
  return {
    taskId: randomUUID(),
    tenantId: 't1',
    subjectRef: 'pseudo-1',
    useCase: 'message_triage',
    purposeOfUse: 'TREATMENT',
    deidentifiedContext: JSON.stringify(deid.context),
    vaultKey: 'vault:t1:x',
    deidCounts: deid.counts,
    dateShifted: false,
    securityLabels: [],
    consentRef: null,
    createdAt: Date.now(),
    knownFingerprints: knownFingerprintValues(deid.known).map((v) => keyedHash(fingerprintKey, v)),
    issuedTokens: issuedTokensOf(deid),
  };
}

/** A model that reads every message as harmless. */
const ROUTINE = JSON.stringify({
  draftLabel: 'AI-Assisted Draft',
  category: 'other',
  urgency: 'routine',
  rationale: '[CLIENT] sent a general message.',
  suggestedReply: 'Thank you for your message, [CLIENT].',
});

describe('llm-worker: the rules floor under a model triage', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    let logged = '';
    const logger = createLogger({
      service: 'test',
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          logged += chunk.toString('utf8');
          cb();
        },
      }),
    });
    const bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const recorder = await startAzureRecorder(() => ({ status: 200, content: ROUTINE }));
    const drafts = await collectRaw(bus, aiDraftTopic.name);
    const audits = await collectRaw(bus, auditEventTopic.name);
    const keys = LocalKeyProvider.ephemeral();
    const model = new AzureOpenAIModelClient({
      endpoint: recorder.url,
      apiKey: 'test-key',
      apiVersion: '2024-10-21',
      defaultDeployment: 'triage',
    });
    const app = createLlmWorkerApp(
      { bus, logger, concurrency: 1 },
      {
        model,
        deploymentFor: () => 'triage',
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
    cleanups.push(async () => {
      await app.stop();
      await bus.shutdown();
      await recorder.close();
    });
    const publish = (r: AiRequest) => bus.publish(aiRequestTopic, { key: `t1:${r.subjectRef}`, value: r });
    const draftOf = async (taskId: string): Promise<AiDraft> => {
      await eventually(() => drafts.records.length > 0, 'the draft');
      const all = await Promise.all(drafts.records.map((r) => serde.decode(aiDraftTopic, r.value!)));
      return all.find((d) => d.taskId === taskId)!;
    };
    const auditsOf = async (taskId: string): Promise<AuditEvent[]> =>
      (await Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (a) => a.taskId === taskId,
      );
    return {
      keys,
      publish,
      draftOf,
      auditsOf,
      recorder,
      logged: () => logged,
      auditBytes: () => audits.records,
    };
  }

  it('"I don\'t want to be here anymore" answered routine is published same_day, with the rules line and an audit record', async () => {
    const env = await setup();
    const r = await triageRequest(
      env.keys,
      messageContext("Hi, it's Dani. I don't want to be here anymore.", 'Can Will come to my next session?'),
    );
    await env.publish(r);
    const draft = await env.draftOf(r.taskId);
    const content = JSON.parse(draft.content) as Record<string, string>;
    expect(content).toMatchObject({ category: 'other', urgency: 'same_day' });
    // The offsets point into the de-identified newest message, at the trigger phrase.
    const sent = (JSON.parse(r.deidentifiedContext) as DeidentifiedContext).messages[0]!.text;
    const [, start, end] = /\[(\d+),(\d+)\) passive death wish/.exec(content.rationale!)!;
    expect(sent.slice(Number(start), Number(end))).toBe("don't want to be here");
    expect(content.rationale!.split('\n')[0]).toMatch(
      /^Raised by CareRelay risk rules from routine \(other\) to same_day \(other\): risk language LOW\. Evidence: message 1 \(newest\)/,
    );
    expect(draft.placeholders).toContain('[CRISIS_RESOURCES]');

    await eventually(
      async () => (await env.auditsOf(r.taskId)).some((a) => a.action === 'POLICY_DECISION'),
      'audit',
    );
    const decision = (await env.auditsOf(r.taskId)).find((a) => a.action === 'POLICY_DECISION')!;
    expect(decision).toMatchObject({
      outcome: 'SUCCESS',
      reasonCode: TRIAGE_RAISED_BY_RULES,
      useCase: 'message_triage',
    });
    expect(decision.counts).toMatchObject({
      signals: 1,
      urgencyRaised: 1,
      categoryRaised: 0,
      'evidence.0.message': 0,
      'evidence.0.start': Number(start),
      'evidence.0.end': Number(end),
    });
    expect(decision.description).toBe(
      'rule triage.floor; RISK_LOW; urgency routine->same_day; category other->other; evidence passive_death_wish',
    );
    // Codes, counts and offsets: the message's words are in neither the audit trail nor the logs.
    const audited = env
      .auditBytes()
      .map((a) => a.value!.toString('utf8'))
      .join('');
    for (const words of ['want to be here', 'Dani', 'Will come']) {
      expect(audited).not.toContain(words);
      expect(env.logged()).not.toContain(words);
    }
  });

  it('an idiom answered routine stays routine: no raise, no audit of one', async () => {
    const env = await setup();
    const r = await triageRequest(
      env.keys,
      messageContext("My boss will kill me if I'm late again, can we move Thursday?"),
    );
    await env.publish(r);
    const draft = await env.draftOf(r.taskId);
    expect(draft.content).toBe(ROUTINE);
    await eventually(
      async () => (await env.auditsOf(r.taskId)).some((a) => a.action === 'LLM_CALL'),
      'the call audit',
    );
    expect((await env.auditsOf(r.taskId)).map((a) => a.action)).not.toContain('POLICY_DECISION');
  });
});
