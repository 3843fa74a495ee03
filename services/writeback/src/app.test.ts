import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@medplum/core';
import { DLQ_HEADERS, EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { aiDraftTopic, dlqTopicName, ehrWritebackTopic, type AiDraft } from '@carerelay/events';
import { InMemoryTokenVault, vaultKeyOf } from '@carerelay/phi';
import { CareRelayError } from '@carerelay/errors';
import { createWritebackApp, type WritebackOptions } from './app.js';
import { expectedSubjectRef, logger, serde, startWriteback, testKeys } from './test-harness.js';
import type { CarePlan, Communication, DocumentReference, Provenance } from './domain/fhir-resources.js';

const { avery } = SANDBOX_CLIENTS;
const averyName = `${avery.given} ${avery.family}`;
const SOAP = {
  draftLabel: 'AI-Assisted Draft',
  subjective: '[CLIENT] reports low mood most days; slept poorly.',
  objective: 'PHQ-9 14. [PERSON_7] attended.',
  assessment: 'Recurrent depression, moderate.',
  plan: '[PLAN_DETAIL]',
  riskStatement: 'No SI reported.',
  goalsAddressed: ['G1'],
};

let sandbox: SandboxEhr;
let fhir: FhirClient;

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
});
afterAll(() => sandbox.stop());

const NO_PART2 = { securityLabels: [], consentRef: null } as const;
const PART2 = { securityLabels: ['42CFRPart2', 'ETH', 'R'], consentRef: 'Consent/c-41/_history/2' };
const NOTICE = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';
const PART2_SECURITY = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  code: '42CFRPart2',
  display: '42 CFR Part2',
};

function aiDraft(
  taskId = randomUUID(),
  useCase: AiDraft['useCase'] = 'soap_note',
  part2: Pick<AiDraft, 'securityLabels' | 'consentRef'> = NO_PART2,
): AiDraft {
  return {
    taskId,
    tenantId: 't1',
    subjectRef: expectedSubjectRef('t1', avery.patientId),
    useCase,
    content: JSON.stringify(SOAP),
    placeholders: ['[PLAN_DETAIL]'],
    provenance: {
      provider: 'AZURE_OPENAI',
      deployment: 'gpt-4o-notes',
      modelVersion: '2024-08-06',
      templateId: 'soap_note',
      templateVersion: '1.0.0',
      templateHash: 'a'.repeat(64),
      promptTokens: 100,
      completionTokens: 50,
      latencyMs: 900,
      finishReason: 'stop',
    },
    createdAt: Date.now(),
    ...part2,
    measures: [],
    intakeExtraction: null,
  };
}

const putVault = (vault: InMemoryTokenVault, taskId: string) =>
  vault.put(
    {
      tenantId: 't1',
      taskId,
      clientId: avery.patientId,
      tokens: { '[CLIENT]': { value: averyName, type: 'NAME' } },
      dateShiftDays: null,
      createdAt: Date.now(),
    },
    60,
  );

describe('writeback: ai.draft.v1 → preliminary DocumentReference in the sandbox EHR', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup() {
    const env = await startWriteback(aiDraftTopic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    return env;
  }

  const draftsOf = (taskId: string) =>
    fhir.search<DocumentReference>('DocumentReference', { identifier: `urn:carerelay:task|${taskId}` });

  it('writes one re-identified preliminary draft with its Provenance, purges the vault, reports ids only', async () => {
    const env = await setup();
    const draft = aiDraft();
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({
      taskId: draft.taskId,
      clientId: avery.patientId,
      kind: 'NOTE_DRAFT',
      status: 'CREATED',
    });
    const docs = await draftsOf(draft.taskId);
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(outcome!.resourceRef).toBe(`DocumentReference/${doc.id}`);
    expect(doc.docStatus).toBe('preliminary');
    expect(doc.status).toBe('current');
    expect(doc.description).toBe('AI-Assisted Draft');
    expect(doc.subject?.reference).toBe(`Patient/${avery.patientId}`);
    expect(doc.type?.coding?.[0]?.code).toBe('34904-3');
    const text = Buffer.from(doc.content[0]!.attachment.data!, 'base64').toString('utf8');
    expect(text.split('\n')[0]).toBe('AI-Assisted Draft — review and sign');
    expect(text).toContain(`${averyName} reports low mood`);
    expect(text).toContain('SUBJECTIVE');
    expect(text).toContain('[PERSON_7]'); // unresolved: left visible and listed on the record
    expect(doc.extension?.map((e) => e.valueString)).toEqual(['[PERSON_7]']);

    const [prov] = await fhir.search<Provenance>('Provenance', { target: `DocumentReference/${doc.id}` });
    expect(outcome!.provenanceRef).toBe(`Provenance/${prov!.id}`);
    expect(prov!.agent[0]?.who?.display).toBe('AZURE_OPENAI/gpt-4o-notes/2024-08-06');
    expect(prov!.entity?.[0]?.what.identifier?.value).toBe(`soap_note@1.0.0#${'a'.repeat(64)}`);

    expect(await env.vault.get('t1', vaultKeyOf('t1', draft.taskId))).toBeUndefined();
    // The outcome event carries ids, never clinical text.
    const raw = JSON.stringify(outcome);
    for (const s of [avery.given, avery.family, 'low mood', 'SOAP', 'Recurrent'])
      expect(raw).not.toContain(s);
    await eventually(() => env.audits.length >= 2, 'audit events');
    const audits = await env.auditEvents();
    expect(audits.map((a) => a.action)).toEqual(['DRAFT_WRITTEN', 'PHI_DISCLOSURE']);
    expect(audits[0]!.counts).toMatchObject({ replaced: 1, unresolvedTokens: 1 });
    expect(audits[1]!.recipient).toBe(sandbox.baseUrl);
    expect(JSON.stringify(audits)).not.toContain(avery.family);
    // Not Part 2: no notice, no label, no consent; a note is disclosed for treatment.
    expect(text.split('\n')[1]).toBe('SOAP progress note');
    expect(text).not.toContain(NOTICE);
    expect(doc.meta?.security).toBeUndefined();
    expect(audits.map((a) => a.part2)).toEqual([false, false]);
    expect(audits[1]).toMatchObject({
      purposeOfUse: 'TREATMENT',
      description: `re-identified NOTE_DRAFT written to the EHR as DocumentReference/${doc.id}`,
    });
  });

  it('a Part 2 draft: the notice right under the label, the 42CFRPart2 label on the record, the disclosure accounted under its consent', async () => {
    const env = await setup();
    const draft = aiDraft(randomUUID(), 'soap_note', PART2);
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const [doc] = await draftsOf(draft.taskId);
    const text = Buffer.from(doc!.content[0]!.attachment.data!, 'base64').toString('utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'AI-Assisted Draft — review and sign',
      NOTICE,
      'SOAP progress note',
    ]);
    expect(doc!.meta?.security).toEqual([PART2_SECURITY]);
    expect(() => validateResource(doc!)).not.toThrow();
    await eventually(() => env.audits.length >= 2, 'audit events');
    const [written, disclosure] = await env.auditEvents();
    expect(written).toMatchObject({ action: 'DRAFT_WRITTEN', part2: true });
    expect(disclosure).toMatchObject({
      action: 'PHI_DISCLOSURE',
      part2: true,
      purposeOfUse: 'TREATMENT',
      recipient: sandbox.baseUrl,
      description: `re-identified NOTE_DRAFT written to the EHR as DocumentReference/${doc!.id} under consent Consent/c-41/_history/2`,
    });
  });

  it.each([
    ['treatment_plan', 'CarePlan'],
    ['message_triage', 'Communication'],
  ] as const)(
    'a Part 2 %s draft: the %s keeps the label and its note carries the notice',
    async (useCase, type) => {
      const env = await setup();
      const draft = { ...aiDraft(randomUUID(), useCase, PART2), placeholders: [] };
      await putVault(env.vault, draft.taskId);
      await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
      await eventually(() => env.outcomes.length === 1, 'the write-back outcome');
      const [record] = await fhir.search<CarePlan | Communication>(type, {
        identifier: `urn:carerelay:task|${draft.taskId}`,
      });
      expect(record!.meta?.security).toEqual([PART2_SECURITY]);
      expect(record!.note?.[0]?.text.split('\n')[1]).toBe(NOTICE);
    },
  );

  it('a redelivered draft (vault refilled or already purged) never makes a second DocumentReference', async () => {
    const env = await setup();
    const draft = aiDraft();
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 1, 'the first outcome');
    await putVault(env.vault, draft.taskId); // redelivery before the purge was seen
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 2, 'the second outcome');
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft }); // after the purge
    await eventually(() => env.outcomes.length === 3, 'the third outcome');

    const outcomes = await env.outcomeEvents();
    expect(outcomes.map((o) => o.status)).toEqual(['CREATED', 'ALREADY_EXISTS', 'ALREADY_EXISTS']);
    expect(new Set(outcomes.map((o) => o.resourceRef)).size).toBe(1);
    expect(new Set(outcomes.map((o) => o.provenanceRef)).size).toBe(1);
    expect(await draftsOf(draft.taskId)).toHaveLength(1);
    const docId = outcomes[0]!.resourceRef!.split('/')[1]!;
    expect(await fhir.search('Provenance', { target: `DocumentReference/${docId}` })).toHaveLength(1);
    expect(env.dlq).toEqual([]);
  });

  it('a draft without a vault entry goes to the DLQ, audited, and writes nothing', async () => {
    const env = await setup();
    const draft = aiDraft();
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.dlq.length === 1, 'the draft in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('WRITEBACK_VAULT_MISSING');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(env.outcomes).toEqual([]);
    expect(await draftsOf(draft.taskId)).toEqual([]);
    await eventually(() => env.audits.length >= 2, 'audit events');
    expect((await env.auditEvents()).map((a) => `${a.action}:${a.reasonCode}`)).toEqual([
      'DRAFT_WRITTEN:WRITEBACK_VAULT_MISSING',
      'TASK_DEAD_LETTERED:WRITEBACK_VAULT_MISSING',
    ]);
  });

  it('an offline template draft is labelled as not AI-generated', async () => {
    const env = await setup();
    const base = aiDraft();
    const draft: AiDraft = {
      ...base,
      provenance: {
        ...base.provenance,
        provider: 'OFFLINE_TEMPLATE',
        deployment: null,
        modelVersion: 'offline-template@1.0.0',
      },
    };
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 1, 'the outcome');
    const [doc] = await draftsOf(draft.taskId);
    const text = Buffer.from(doc!.content[0]!.attachment.data!, 'base64').toString('utf8');
    expect(text.split('\n')[0]).toBe('Template draft: not AI-generated — review and sign');
  });

  it('a treatment plan becomes a draft CarePlan: interventions as activities, the client named in its note', async () => {
    const env = await setup();
    const draft = {
      ...aiDraft(randomUUID(), 'treatment_plan'),
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        problems: [{ id: 'P1', statement: '[CLIENT] has low mood most days.', diagnosisCodes: ['F33.1'] }],
        goals: [
          {
            goalRef: null,
            problemIds: ['P1'],
            statement: 'Reduce depressive symptoms.',
            objectives: [{ description: 'PHQ-9 below 10', measure: 'PHQ-9', targetDate: null }],
            interventions: [
              { description: 'Behavioral activation', frequency: 'weekly' },
              { description: 'Sleep hygiene education', frequency: null },
            ],
          },
        ],
      }),
      placeholders: [],
    };
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.outcomes.length === 1, 'the outcome');
    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({ kind: 'CARE_PLAN_DRAFT', status: 'CREATED' });
    const plans = await fhir.search<CarePlan>('CarePlan', {
      identifier: `urn:carerelay:task|${draft.taskId}`,
    });
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(() => validateResource(plan)).not.toThrow();
    expect(plan).toMatchObject({ status: 'draft', subject: { reference: `Patient/${avery.patientId}` } });
    expect(plan.activity?.map((a) => a.detail?.description)).toEqual([
      'Behavioral activation (weekly)',
      'Sleep hygiene education',
    ]);
    expect(plan.note?.[0]?.text).toContain(`${averyName} has low mood most days.`);
    expect(plan.title).toContain('AI-Assisted Draft');
    expect(outcome!.resourceRef).toBe(`CarePlan/${plan.id}`);
  });

  it('a message triage becomes an unsent Communication (in preparation) with the suggested reply', async () => {
    const env = await setup();
    const draft = {
      ...aiDraft(randomUUID(), 'message_triage'),
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        category: 'scheduling',
        urgency: 'same_day',
        rationale: 'Asks to move the appointment.',
        suggestedReply: 'Hi [CLIENT], we can offer Thursday at 3 pm instead.',
      }),
      placeholders: [],
    };
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft }); // redelivered
    await eventually(() => env.outcomes.length === 2, 'two outcomes');
    const messages = await fhir.search<Communication>('Communication', {
      identifier: `urn:carerelay:task|${draft.taskId}`,
    });
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(() => validateResource(message)).not.toThrow();
    expect(message).toMatchObject({ status: 'preparation', priority: 'urgent' });
    expect(message.payload?.[0]?.contentString).toBe(
      `Hi ${averyName}, we can offer Thursday at 3 pm instead.`,
    );
    expect((await env.outcomeEvents()).map((o) => o.status)).toEqual(['CREATED', 'ALREADY_EXISTS']);
  });

  it('a use case without a write-back target publishes nothing and is audited as skipped', async () => {
    const env = await setup();
    const draft = aiDraft(randomUUID(), 'coding'); // coding is written as a Claim from coding.suggestion.v1
    await putVault(env.vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    await eventually(() => env.audits.length === 1, 'the audit event');
    const [audit] = await env.auditEvents();
    expect(audit).toMatchObject({ action: 'OTHER', reasonCode: 'WRITEBACK_SKIPPED_USE_CASE' });
    expect(env.outcomes).toEqual([]);
    expect(env.dlq).toEqual([]);
  });
});

describe('writeback: EHR failures', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  /** The sandbox client, failing the first `failures` conditional creates with `error`. */
  async function setup(error: CareRelayError, failures: number) {
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const outcomes = await collectRaw(bus, ehrWritebackTopic.name);
    const dlq = await collectRaw(bus, dlqTopicName(aiDraftTopic.name));
    const vault = new InMemoryTokenVault(LocalKeyProvider.ephemeral());
    let left = failures;
    const flaky: WritebackOptions['fhir'] = {
      search: (type, params) => fhir.search(type, params),
      createIfNoneExist: (resource, query) =>
        left-- > 0 ? Promise.reject(error) : fhir.createIfNoneExist(resource, query),
    };
    const app = createWritebackApp(
      { bus, logger, concurrency: 1 },
      {
        vault,
        keys: testKeys(),
        fhir: flaky,
        ehrEndpoint: sandbox.baseUrl,
        maxAttempts: 3,
        retryInitialMs: 5,
      },
    );
    await app.start();
    const draft = aiDraft();
    await putVault(vault, draft.taskId);
    await bus.publish(aiDraftTopic, { key: 't1:pseudo-1', value: draft });
    return { draft, vault, outcomes: outcomes.records, dlq: dlq.records };
  }

  it('EHR unavailable (5xx, timeout) is retried and still writes one draft', async () => {
    const unavailable = new CareRelayError('EHR_UNAVAILABLE', 'create failed with 503', { retryable: true });
    const env = await setup(unavailable, 2);
    await eventually(() => env.outcomes.length === 1, 'the outcome after retries');
    expect(env.dlq).toEqual([]);
    const docs = await fhir.search('DocumentReference', {
      identifier: `urn:carerelay:task|${env.draft.taskId}`,
    });
    expect(docs).toHaveLength(1);
  });

  it.each(['EHR_REQUEST_REJECTED', 'EHR_SIGNED_RECORD'])(
    '%s goes to the DLQ at once, vault kept',
    async (code) => {
      const env = await setup(
        new CareRelayError(code, 'create DocumentReference rejected with 422', { retryable: false }),
        1,
      );
      await eventually(() => env.dlq.length === 1, 'the draft in the DLQ');
      expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe(code);
      expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
      expect(await env.vault.get('t1', vaultKeyOf('t1', env.draft.taskId))).toBeDefined();
      const statuses = (
        await Promise.all(env.outcomes.map((r) => serde.decode(ehrWritebackTopic, r.value!)))
      ).map((o) => o.status);
      expect(statuses).toEqual(code === 'EHR_SIGNED_RECORD' ? ['REFUSED_SIGNED'] : []);
    },
  );
});
