import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@medplum/core';
import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { EmbeddedBus } from '@carerelay/bus';
import { eventually } from '@carerelay/bus/testing';
import { extractIntake } from '@carerelay/clinical';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { aiDraftTopic, type AiDraft } from '@carerelay/events';
import { deidentifyContext, type InMemoryTokenVault, type VaultEntry } from '@carerelay/phi';
import { CATALOGUE } from '@carerelay/policy';
import type { Observation } from './domain/intake-observations.js';
import type { Provenance } from './domain/fhir-resources.js';
import { expectedSubjectRef, startWriteback } from './test-harness.js';

/**
 * intake_extraction end to end short of Kafka: a synthetic intake form in the sandbox EHR, read
 * by the FHIR adapter, de-identified, extracted by the rules as the llm-worker does, then
 * written back from ai.draft.v1. Every expected value below is read off the form by hand.
 */

const { avery } = SANDBOX_CLIENTS;
const LOINC = 'http://loinc.org';
const NOTICE = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';

/** Sam is Avery's domestic partner on file (a RelatedPerson): an identifier in the answer. */
const REASON = "Since Sam moved out I can't sleep and I cry most days.";
/** PHQ-9 answered 2,2,3,1,1,2,1,0,1 (LOINC answer codes): total 13, moderate, item 9 = 1. */
const PHQ9: readonly (readonly [string, string, string])[] = [
  ['44250-9', 'LA6570-1', 'More than half the days'],
  ['44255-8', 'LA6570-1', 'More than half the days'],
  ['44259-0', 'LA6571-9', 'Nearly every day'],
  ['44254-1', 'LA6569-3', 'Several days'],
  ['44251-7', 'LA6569-3', 'Several days'],
  ['44258-2', 'LA6570-1', 'More than half the days'],
  ['44252-5', 'LA6569-3', 'Several days'],
  ['44253-3', 'LA6568-5', 'Not at all'],
  ['44260-8', 'LA6569-3', 'Several days'],
];
/** GAD-7 asked by its wording alone, answered 2,1,1,2,0,1,1: total 8, mild. */
const GAD7: readonly (readonly [string, number])[] = [
  ['Feeling nervous, anxious, or on edge', 2],
  ['Not being able to stop or control worrying', 1],
  ['Worrying too much about different things', 1],
  ['Trouble relaxing', 2],
  ['Being so restless that it is hard to sit still', 0],
  ['Becoming easily annoyed or irritable', 1],
  ['Feeling afraid, as if something awful might happen', 1],
];

const text = (linkId: string, question: string, valueString: string): QuestionnaireResponseItem => ({
  linkId,
  text: question,
  answer: [{ valueString }],
});

function intakeForm(): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: 'https://practice.example/Questionnaire/adult-intake',
    subject: { reference: `Patient/${avery.patientId}` },
    authored: '2025-10-01T09:00:00Z',
    meta: { tag: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST' }] },
    item: [
      text('dob', 'Date of birth', avery.birthDate),
      text('reason', 'What brings you in today?', REASON),
      {
        linkId: 'marital',
        text: 'Marital status',
        answer: [{ valueCoding: { code: 'separated', display: 'Separated' } }],
      },
      text('employment', 'Employment status', 'Employed full-time'),
      text('household', 'Who do you live with?', 'Alone since the separation'),
      {
        linkId: 'education',
        text: 'Highest level of education completed',
        answer: [{ valueCoding: { code: 'ba', display: "Bachelor's degree" } }],
      },
      text('pronouns', 'Pronouns', 'they/them'),
      {
        linkId: '/44249-1',
        text: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
        item: PHQ9.map(([code, answer, display]) => ({
          linkId: `/44249-1/${code}`,
          text: `PHQ-9 item ${code}`,
          answer: [{ valueCoding: { system: LOINC, code: answer, display } }],
        })),
      },
      ...GAD7.map(([question, value], i) => ({
        linkId: `gad-${i + 1}`,
        text: question,
        answer: [{ valueInteger: value }],
      })),
      {
        linkId: 'si',
        text: 'In the past month, have you had thoughts of killing yourself?',
        answer: [{ valueBoolean: true }],
      },
      { linkId: 'family-si', text: 'Any family history of suicide?', answer: [{ valueBoolean: true }] },
    ],
  };
}

let sandbox: SandboxEhr;
let fhir: FhirClient;
let formRef: string;

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
  const form = await fhir.create(intakeForm());
  formRef = `QuestionnaireResponse/${form.id ?? ''}`;
});
afterAll(() => sandbox.stop());

/**
 * What the pipeline hands writeback for an intake_extraction task: the draft (tokens only, with
 * the rules' extraction) and the vault entry (tokens, client, the refs the context was read from).
 */
async function intakeTask(
  part2: Pick<AiDraft, 'securityLabels' | 'consentRef'> = { securityLabels: [], consentRef: null },
): Promise<{ draft: AiDraft; entry: VaultEntry }> {
  const read = await new FhirAdapter(fhir).readTaskContext({
    clientId: avery.patientId,
    reads: CATALOGUE.intake_extraction.reads,
  });
  const deid = deidentifyContext(read.context);
  const taskId = randomUUID();
  const draft: AiDraft = {
    taskId,
    tenantId: 't1',
    measures: [],
    subjectRef: expectedSubjectRef('t1', avery.patientId),
    useCase: 'intake_extraction',
    content: JSON.stringify({
      draftLabel: 'AI-Assisted Draft',
      presentingProblem: deid.context.intakeAnswers[1]?.answer ?? null,
      history: null,
      substanceUse: null,
      riskFactorsMentioned: 'Thoughts of killing self in the past month: yes.',
      supports: null,
      clientGoals: null,
    }),
    placeholders: [],
    provenance: {
      provider: 'AZURE_OPENAI',
      deployment: 'gpt-4o-intake',
      modelVersion: '2024-08-06',
      templateId: 'intake_extraction',
      templateVersion: '1.0.0',
      templateHash: 'c'.repeat(64),
      promptTokens: 300,
      completionTokens: 120,
      latencyMs: 800,
      finishReason: 'stop',
    },
    createdAt: Date.now(),
    ...part2,
    intakeExtraction: extractIntake(deid.context.intakeAnswers),
  };
  const entry: VaultEntry = {
    tenantId: 't1',
    taskId,
    clientId: avery.patientId,
    tokens: deid.tokens,
    dateShiftDays: null,
    createdAt: Date.now(),
    sourceRefs: read.sourceRefs,
  };
  return { draft, entry };
}

const observationsOf = (taskId: string) =>
  fhir.search<Observation>('Observation', { identifier: `urn:carerelay:task|${taskId}` });
const byCode = (observations: Observation[], code: string) =>
  observations.find((o) => o.code.coding?.some((c) => c.code === code));

describe('writeback: an intake extraction → preliminary Observations in the sandbox EHR', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup() {
    const env = await startWriteback(aiDraftTopic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    return env;
  }
  const put = (vault: InMemoryTokenVault, entry: VaultEntry) => vault.put(entry, 60);

  it("writes the form's facts, scores, presenting problem and risk flags as preliminary Observations, plus the draft note", async () => {
    const env = await setup();
    const { draft, entry } = await intakeTask();
    // The draft on the topic holds tokens: Sam's name is not in it.
    expect(JSON.stringify(draft)).not.toContain('Sam');
    await put(env.vault, entry);
    await env.publish(draft);
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    // Five social facts, PHQ-9 and GAD-7, the presenting problem, the risk flags.
    const observations = await observationsOf(draft.taskId);
    expect(observations).toHaveLength(9);
    for (const o of observations) {
      expect(() => validateResource(o)).not.toThrow();
      expect(o.status).toBe('preliminary');
      expect(o.subject?.reference).toBe(`Patient/${avery.patientId}`);
      expect(o.derivedFrom?.map((r) => (r.reference ?? '').replace(/\/_history\/.*$/, ''))).toEqual([
        formRef,
      ]);
      expect(o.meta?.tag).toContainEqual(expect.objectContaining({ code: 'AI-ASSISTED' }));
      expect(o.meta?.security).toBeUndefined();
      expect(o.identifier?.filter((i) => i.system === 'urn:carerelay:intake-observation')).toHaveLength(1);
    }
    const categoryOf = (code: string) => byCode(observations, code)?.category?.[0]?.coding?.[0]?.code;

    // Social facts: social-history, LOINC codes, the client's words kept beside the category.
    const marital = byCode(observations, '45404-1');
    expect(categoryOf('45404-1')).toBe('social-history');
    expect(marital?.valueCodeableConcept?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
      code: 'L',
    });
    expect(marital?.valueCodeableConcept?.text).toBe('Separated');
    expect(byCode(observations, '67875-5')?.valueCodeableConcept?.coding?.[0]?.code).toBe(
      'employed-full-time',
    );
    expect(byCode(observations, '71802-3')?.valueCodeableConcept).toMatchObject({
      coding: [expect.objectContaining({ code: 'alone' })],
      text: 'Alone since the separation',
    });
    expect(byCode(observations, '82589-3')?.valueCodeableConcept?.coding?.[0]?.code).toBe('bachelors');
    expect(byCode(observations, '90778-2')?.valueCodeableConcept?.coding?.[0]).toMatchObject({
      system: LOINC,
      code: 'LA29520-6',
    });

    // Scores: PHQ-9 by its LOINC linkIds, GAD-7 by its wording alone.
    const phq9 = byCode(observations, '44261-6');
    expect(categoryOf('44261-6')).toBe('survey');
    expect(phq9?.valueQuantity?.value).toBe(13);
    expect(phq9?.interpretation?.[0]?.text).toBe('moderate');
    expect(
      Object.fromEntries((phq9?.component ?? []).map((c) => [c.code.coding?.[0]?.code, c.valueInteger])),
    ).toEqual({
      '44250-9': 2,
      '44255-8': 2,
      '44259-0': 3,
      '44254-1': 1,
      '44251-7': 1,
      '44258-2': 2,
      '44252-5': 1,
      '44253-3': 0,
      '44260-8': 1,
    });
    const gad7 = byCode(observations, '70274-6');
    expect(gad7?.valueQuantity?.value).toBe(8);
    expect(gad7?.interpretation?.[0]?.text).toBe('mild');

    // The presenting problem, re-identified: the client's words, the person named as on file.
    const presenting = byCode(observations, '10154-3');
    expect(categoryOf('10154-3')).toBe('survey');
    expect(presenting?.valueString).toBe(REASON.replace('Sam', 'Sam Lindqvist'));

    // Risk: the affirmed "thoughts of killing yourself" question, and PHQ-9 item 9 = 1; the family
    // history question is about someone else and flags nothing.
    const risk = byCode(observations, 'intake-risk-language');
    expect(risk?.valueCodeableConcept?.coding?.[0]?.code).toBe('MODERATE');
    const components = (risk?.component ?? []).map((c) => c.valueString ?? c.valueInteger);
    expect(components).toEqual([
      '"yes" to "In the past month, have you had thoughts of killing yourself?" (affirms "killing yourself")',
      1,
    ]);
    expect(risk?.note?.map((n) => n.text)).toContain(
      'PHQ-9 item 9 answered 1 (> 0): same-day follow-up, whatever the total.',
    );

    // One Provenance names the rules for all of them; the draft note exists beside them.
    const provenances = await fhir.search<Provenance>('Provenance', {
      _tag: `urn:carerelay:task|${draft.taskId}`,
    });
    const rules = provenances.filter((p) =>
      p.agent[0]?.who?.display?.startsWith('CareRelay intake extraction'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.target.map((t) => t.reference).sort()).toEqual(
      observations.map((o) => `Observation/${o.id ?? ''}`).sort(),
    );
    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({ kind: 'NOTE_DRAFT', status: 'CREATED' });
    expect(outcome?.resourceRef).toMatch(/^DocumentReference\//);

    // Audited with ids and counts, never the answers.
    await eventually(() => env.audits.length >= 4, 'audit events');
    const audits = await env.auditEvents();
    const intakeAudit = audits.find((a) => a.description?.startsWith('intake observations'));
    expect(intakeAudit?.counts).toMatchObject({ observations: 9, created: 9 });
    expect(audits.filter((a) => a.action === 'PHI_DISCLOSURE')).toHaveLength(2);
    for (const s of ['Sam', 'Separated', 'killing', "can't sleep"])
      expect(JSON.stringify(audits)).not.toContain(s);
  });

  it('a redelivered draft (vault refilled or already purged) makes no second Observation or Provenance', async () => {
    const env = await setup();
    const { draft, entry } = await intakeTask();
    await put(env.vault, entry);
    await env.publish(draft);
    await eventually(() => env.outcomes.length === 1, 'the first outcome');
    const first = (await observationsOf(draft.taskId)).map((o) => o.id).sort();
    await put(env.vault, entry); // redelivered before the purge was seen
    await env.publish(draft);
    await eventually(() => env.outcomes.length === 2, 'the second outcome');
    await env.publish(draft); // after the purge
    await eventually(() => env.outcomes.length === 3, 'the third outcome');

    expect((await env.outcomeEvents()).map((o) => o.status)).toEqual([
      'CREATED',
      'ALREADY_EXISTS',
      'ALREADY_EXISTS',
    ]);
    expect(first).toHaveLength(9);
    expect((await observationsOf(draft.taskId)).map((o) => o.id).sort()).toEqual(first);
    const provenances = await fhir.search<Provenance>('Provenance', {
      _tag: `urn:carerelay:task|${draft.taskId}`,
    });
    expect(provenances).toHaveLength(2); // one for the note, one for the Observations
    expect(env.dlq).toEqual([]);
  });

  it('a Part 2 task: every Observation keeps the 42CFRPart2 label and carries the notice', async () => {
    const env = await setup();
    const { draft, entry } = await intakeTask({
      securityLabels: ['42CFRPart2', 'ETH', 'R'],
      consentRef: 'Consent/c-41/_history/2',
    });
    await put(env.vault, entry);
    await env.publish(draft);
    await eventually(() => env.outcomes.length === 1, 'the outcome');
    const observations = await observationsOf(draft.taskId);
    expect(observations).toHaveLength(9);
    for (const o of observations) {
      expect(o.meta?.security).toContainEqual(expect.objectContaining({ code: '42CFRPart2' }));
      expect(o.extension?.map((e) => e.valueString)).toContain(NOTICE);
    }
    await eventually(() => env.audits.length >= 4, 'audit events');
    const disclosure = (await env.auditEvents()).find(
      (a) => a.action === 'PHI_DISCLOSURE' && a.description?.includes('intake observations'),
    );
    expect(disclosure?.description).toMatch(/under consent Consent\/c-41\/_history\/2$/);
  });

  it('a draft of any other use case writes no Observation', async () => {
    const env = await setup();
    const { draft, entry } = await intakeTask();
    await put(env.vault, entry);
    await env.publish({ ...draft, intakeExtraction: null });
    await eventually(() => env.outcomes.length === 1, 'the outcome');
    expect(await observationsOf(draft.taskId)).toEqual([]);
  });
});
