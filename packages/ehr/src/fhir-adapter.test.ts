import type {
  Condition,
  DocumentReference,
  Encounter,
  Patient,
  QuestionnaireResponse,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from './sandbox/index.js';
import { FhirAdapter, type FhirReader } from './fhir-adapter.js';
import type { FhirClient } from './fhir-client.js';
import type { ReadPlan } from '@carerelay/policy';

/** Every field, as a note-drafting use case with messages and intake would read them. */
const ALL: ReadPlan = {
  encounter: true,
  sessionNotes: true,
  priorNotes: { max: 3 },
  goals: true,
  assessments: { withinDays: 365 },
  diagnoses: true,
  messages: { max: 5 },
  intakeAnswers: true,
  identityHints: true,
};

let sandbox: SandboxEhr;
let fhir: FhirClient;
let adapter: FhirAdapter;
const { avery, jordan, riley } = SANDBOX_CLIENTS;
const { therapist, psychiatrist } = SANDBOX_PRACTITIONERS;

function note(patientId: string, day: string, docStatus: DocumentReference['docStatus']): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus,
    type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }] },
    subject: { reference: `Patient/${patientId}` },
    date: `2025-10-${day}T11:00:00Z`,
    content: [
      { attachment: { contentType: 'text/plain', data: Buffer.from(`note of ${day}`).toString('base64') } },
    ],
  };
}

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
  adapter = new FhirAdapter(fhir);
});

afterAll(async () => {
  await sandbox.stop();
});

describe('FhirAdapter.readTaskContext', () => {
  it('maps the client of the 53-minute session: name, DOB, MRN, session times, notes, scores, diagnoses', async () => {
    const { context, securityLabels, sourceRefs } = await adapter.readTaskContext({
      reads: ALL,
      clientId: avery.patientId,
      encounterId: avery.encounterIds.session53,
    });
    expect(context.client).toMatchObject({
      id: 'sbx-patient-avery',
      givenNames: ['Avery'],
      familyName: 'Lindqvist',
      birthDate: '1988-03-14',
      gender: 'female',
      mrn: 'SBX-100001',
      phones: ['555-0141'],
      emails: ['avery.avery@example.org'],
      address: { lines: ['418 Alder Hollow Rd'], city: 'Brookfield', state: 'NY', postalCode: '01506' },
    });
    expect(context.encounter).toEqual({
      id: 'sbx-enc-avery-2025-09-16',
      start: '2025-09-16T14:00:00-04:00',
      end: '2025-09-16T14:53:00-04:00',
      serviceType: 'individual',
      telehealth: false,
      clientPresent: true,
      withMedicalEvaluation: false,
    });
    // The session's own note is not a prior note; the intake note is, decoded from base64.
    expect(context.priorNotes.map((n) => n.id)).toEqual(['sbx-note-avery-2025-09-02']);
    expect(context.priorNotes[0]?.date).toBe('2025-09-02');
    expect(context.priorNotes[0]?.text).toMatch(/^S: Avery Lindqvist, 37, self-referred for low mood/);
    const phq9 = context.assessments.find((a) => a.instrument === 'PHQ-9');
    expect(phq9).toMatchObject({ loinc: '44261-6', date: '2025-09-16', total: 14 });
    expect(phq9?.items['44260-8']).toBe(0);
    expect(context.assessments.find((a) => a.instrument === 'GAD-7')?.total).toBe(8);
    expect(context.diagnoses).toEqual([
      { code: 'F33.1', display: 'Major depressive disorder, recurrent, moderate' },
    ]);
    expect(context.relatedPersons).toEqual([
      {
        givenNames: ['Sam'],
        familyName: 'Lindqvist',
        relationship: 'domestic partner',
        phones: ['555-0142'],
      },
    ]);
    expect(context.careTeam).toEqual([
      { givenNames: [therapist.given], familyName: therapist.family, role: 'primary clinician' },
      { givenNames: [psychiatrist.given], familyName: psychiatrist.family, role: 'consulting clinician' },
    ]);
    expect(context.goals.map((g) => g.id)).toEqual([...avery.goalIds]);
    expect(context.messages.map((m) => m.id)).toEqual([...avery.communicationIds]);
    expect(securityLabels).toEqual([]);
    expect(sourceRefs).toContainEqual(expect.stringMatching(/^Patient\/sbx-patient-avery\/_history\/.+$/));
    expect(sourceRefs).toContainEqual(
      expect.stringMatching(/^Encounter\/sbx-enc-avery-2025-09-16\/_history\/.+$/),
    );
    expect(sourceRefs).toContainEqual(
      expect.stringMatching(/^Observation\/sbx-obs-avery-phq9\/_history\/.+$/),
    );
  });

  it('without an encounter, prior notes are all signed notes, newest first', async () => {
    const { context } = await adapter.readTaskContext({ reads: ALL, clientId: avery.patientId });
    expect(context.encounter).toBeNull();
    expect(context.priorNotes.map((n) => n.id)).toEqual([
      'sbx-note-avery-2025-09-16',
      'sbx-note-avery-2025-09-02',
    ]);
  });

  it('carries PHQ-9 item 9 into items when it is positive', async () => {
    const { context } = await adapter.readTaskContext({ reads: ALL, clientId: jordan.patientId });
    const phq9 = context.assessments.find((a) => a.instrument === 'PHQ-9');
    expect(phq9?.total).toBe(11);
    expect(phq9?.items['44260-8']).toBe(1);
    expect(context.diagnoses.map((d) => d.code)).toEqual(['F41.1', 'Z56.6']);
  });

  it('labels the Part 2 client 42CFRPart2 (with ETH and R from meta.security)', async () => {
    const { context, securityLabels } = await adapter.readTaskContext({
      reads: ALL,
      clientId: riley.patientId,
    });
    expect(securityLabels).toEqual(['42CFRPart2', 'ETH', 'R']);
    expect(context.diagnoses.map((d) => d.code)).toContain('F10.20');
  });

  it('labels 42CFRPart2 from an F10–F19 diagnosis even when the EHR set no meta.security', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Unlabeled' }],
    });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      code: {
        coding: [
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20', display: 'Opioid dependence' },
        ],
      },
      subject: { reference: `Patient/${patient.id ?? ''}` },
    });
    const { securityLabels } = await adapter.readTaskContext({ reads: ALL, clientId: patient.id ?? '' });
    expect(securityLabels).toEqual(['42CFRPart2']);
  });

  it('a diagnosis without a clinical status is in force unless entered in error or refuted', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Unstatused' }],
    });
    const subject = { reference: `Patient/${patient.id ?? ''}` };
    const icd = (code: string) => ({ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] });
    const verified = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code }],
    });
    const clinical = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code }],
    });
    await fhir.create<Condition>({ resourceType: 'Condition', code: icd('F43.10'), subject });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      code: icd('F41.1'),
      subject,
      verificationStatus: verified('confirmed'),
    });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      code: icd('F32.0'),
      subject,
      verificationStatus: verified('entered-in-error'),
    });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      code: icd('F90.0'),
      subject,
      verificationStatus: verified('refuted'),
    });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      code: icd('F40.10'),
      subject,
      clinicalStatus: clinical('resolved'),
    });
    const read = await adapter.readTaskContext({ reads: { diagnoses: true }, clientId: patient.id ?? '' });
    expect(read.context.diagnoses.map((d) => d.code).sort()).toEqual(['F41.1', 'F43.10']);
  });

  it('a smoker (F17.210, nicotine dependence) is not Part 2', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Smoker' }],
    });
    await fhir.create<Condition>({
      resourceType: 'Condition',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      code: {
        coding: [
          {
            system: 'http://hl7.org/fhir/sid/icd-10-cm',
            code: 'F17.210',
            display: 'Nicotine dependence, cigarettes',
          },
        ],
      },
      subject: { reference: `Patient/${patient.id ?? ''}` },
    });
    const read = await adapter.readTaskContext({ reads: ALL, clientId: patient.id ?? '' });
    expect(read.context.diagnoses.map((d) => d.code)).toEqual(['F17.210']);
    expect(read.part2.part2).toBe(false);
    expect(read.securityLabels).toEqual([]);
  });

  it('never uses a psychotherapy note (PSY) as a prior note, and says it left it out', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Psy' }],
    });
    const id = patient.id ?? '';
    await fhir.create(note(id, '01', 'final'));
    const psy = await fhir.create<DocumentReference>({
      ...note(id, '02', 'final'),
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('process notes').toString('base64') } },
      ],
    });
    const read = await adapter.readTaskContext({ reads: ALL, clientId: id });
    expect(read.context.priorNotes.map((n) => n.text)).toEqual(['note of 01']);
    expect(read.excluded).toEqual([
      {
        ref: `DocumentReference/${psy.id ?? ''}/_history/${psy.meta?.versionId ?? ''}`,
        reason: 'PSYCHOTHERAPY_NOTE',
      },
    ]);
    expect(read.sourceRefs.some((r) => r.startsWith(`DocumentReference/${psy.id ?? ''}/`))).toBe(false);
  });

  it("reads the client's latest intake form as questions and answers, never a score form", async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Intake' }],
    });
    const subject = { reference: `Patient/${patient.id ?? ''}` };
    await fhir.create<QuestionnaireResponse>({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: 'https://practice.example/Questionnaire/intake-v1',
      subject,
      authored: '2025-08-01T10:00:00Z',
      item: [{ linkId: 'old', text: 'Older form', answer: [{ valueString: 'superseded' }] }],
    });
    await fhir.create<QuestionnaireResponse>({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: 'https://practice.example/Questionnaire/intake-v2',
      subject,
      authored: '2025-09-01T10:00:00Z',
      item: [
        { linkId: 'reason', text: 'What brings you in?', answer: [{ valueString: 'panic attacks at work' }] },
        {
          linkId: 'history',
          text: 'History',
          item: [
            { linkId: 'prior', text: 'Prior therapy?', answer: [{ valueBoolean: true }] },
            { linkId: 'sleep', text: 'Hours of sleep', answer: [{ valueInteger: 5 }] },
            { linkId: 'blank', text: 'Anything else?' },
          ],
        },
        {
          linkId: '/44249-1/44260-8',
          text: 'Thoughts that you would be better off dead',
          answer: [
            { valueCoding: { system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' } },
          ],
        },
        {
          linkId: 'marital',
          definition: 'http://loinc.org/45404-1',
          text: 'Marital status',
          answer: [{ valueString: 'Married' }],
        },
      ],
    });
    await fhir.create<QuestionnaireResponse>({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: 'http://loinc.org/q/44249-1',
      subject,
      authored: '2025-09-02T10:00:00Z',
      item: [{ linkId: '44261-6', text: 'PHQ-9 total', answer: [{ valueInteger: 12 }] }],
    });
    const read = await adapter.readTaskContext({
      reads: { intakeAnswers: true },
      clientId: patient.id ?? '',
    });
    // The form's linkId travels with each answer, and its LOINC code where the form carries one.
    expect(read.context.intakeAnswers).toEqual([
      { question: 'What brings you in?', answer: 'panic attacks at work', linkId: 'reason', code: null },
      { question: 'Prior therapy?', answer: 'yes', linkId: 'prior', code: null },
      { question: 'Hours of sleep', answer: '5', linkId: 'sleep', code: null },
      {
        question: 'Thoughts that you would be better off dead',
        answer: 'Several days',
        linkId: '/44249-1/44260-8',
        code: '44260-8',
      },
      { question: 'Marital status', answer: 'Married', linkId: 'marital', code: '45404-1' },
    ]);
    expect(read.context.assessments).toEqual([]);
  });

  it('includes at most 3 prior notes, only final ones, newest first', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Notes' }],
    });
    const id = patient.id ?? '';
    for (const day of ['01', '02', '03', '04']) await fhir.create(note(id, day, 'final'));
    await fhir.create(note(id, '05', 'preliminary'));
    const { context } = await adapter.readTaskContext({ reads: ALL, clientId: id });
    expect(context.priorNotes.map((n) => n.text)).toEqual(['note of 04', 'note of 03', 'note of 02']);
  });
});

describe('FhirAdapter.readTaskContext reads only what the read plan declares', () => {
  /** Records every resource type the adapter asks the EHR for. */
  function recording(): { reader: FhirReader; asked: string[] } {
    const asked: string[] = [];
    const reader: FhirReader = {
      read: (type, id) => {
        asked.push(type);
        return fhir.read(type, id);
      },
      search: (type, params) => {
        asked.push(type);
        return fhir.search(type, params);
      },
    };
    return { reader, asked };
  }

  it('a payment read (encounter and diagnoses) touches no note, message, goal, score or relative', async () => {
    const { reader, asked } = recording();
    const read = await new FhirAdapter(reader).readTaskContext({
      clientId: avery.patientId,
      encounterId: avery.encounterIds.session53,
      reads: { encounter: true, diagnoses: true },
    });
    expect([...new Set(asked)].sort()).toEqual(['Condition', 'Encounter', 'Patient']);
    expect(read.context.priorNotes).toEqual([]);
    expect(read.context.relatedPersons).toEqual([]);
    expect(read.context.encounter?.id).toBe(avery.encounterIds.session53);
  });

  it('a message read touches the messages and the names de-identification needs, nothing clinical', async () => {
    const { reader, asked } = recording();
    await new FhirAdapter(reader).readTaskContext({
      clientId: avery.patientId,
      reads: { messages: { max: 5 }, identityHints: true },
    });
    expect([...new Set(asked)].sort()).toEqual([
      'CareTeam',
      'Communication',
      'Patient',
      'Practitioner',
      'RelatedPerson',
    ]);
  });
});

describe('FhirAdapter.relationshipsOf', () => {
  it('finds care-team membership, and no relationship for a practitioner outside the team', async () => {
    expect(await adapter.relationshipsOf(avery.patientId, therapist.id)).toContain('care_team');
    expect(await adapter.relationshipsOf(avery.patientId, 'sbx-practitioner-nobody')).toEqual([]);
  });

  it('finds the practitioner of the session encounter', async () => {
    const encounter = await fhir.read<Encounter>('Encounter', avery.encounterIds.session53);
    const individual = encounter.participant?.[0]?.individual?.reference?.split('/')[1];
    expect(individual).toBeDefined();
    expect(
      await adapter.relationshipsOf(avery.patientId, individual ?? '', avery.encounterIds.session53),
    ).toContain('appointment_practitioner');
  });
});

describe("FhirAdapter.readTaskContext: every resource read belongs to the task's client", () => {
  /** How a refusal must look: a stable code, not retryable, naming the resource but no person. */
  async function expectMismatch(read: Promise<unknown>, resourceRef: string): Promise<void> {
    const err = (await read.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; retryable?: boolean; message?: string } | undefined;
    expect(err?.code).toBe('EHR_SUBJECT_MISMATCH');
    expect(err?.retryable).toBe(false);
    expect(err?.message).toContain(resourceRef);
    for (const name of [avery.given, avery.family, jordan.given, jordan.family]) {
      expect(err?.message).not.toContain(name);
    }
  }

  it("refuses an encounter id that is another client's session", async () => {
    await expectMismatch(
      adapter.readTaskContext({
        reads: ALL,
        clientId: avery.patientId,
        encounterId: jordan.encounterIds.followUp,
      }),
      `Encounter/${jordan.encounterIds.followUp}`,
    );
  });

  it("refuses a care plan of the client that points at another client's goal", async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Test'], family: 'Goals' }],
    });
    await fhir.create({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      subject: { reference: `Patient/${patient.id ?? ''}` },
      goal: [{ reference: `Goal/${jordan.goalIds[0]}` }],
    });
    await expectMismatch(
      adapter.readTaskContext({ reads: ALL, clientId: patient.id ?? '' }),
      `Goal/${jordan.goalIds[0]}`,
    );
  });

  // A misbehaving EHR (real HTTP, the sandbox) whose patient search of one type answers
  // with another client's resources: notes, scores, diagnoses, messages, people, plans.
  it.each([
    ['DocumentReference', 'DocumentReference/sbx-note-jordan-'],
    ['Observation', 'Observation/sbx-obs-jordan-'],
    ['QuestionnaireResponse', 'QuestionnaireResponse/sbx-qr-jordan-'],
    ['Condition', 'Condition/sbx-cond-jordan-'],
    ['Communication', `Communication/${jordan.communicationIds[0]}`],
    ['RelatedPerson', `RelatedPerson/${jordan.relatedPersonId}`],
    ['CareTeam', `CareTeam/${jordan.careTeamId}`],
    ['CarePlan', `CarePlan/${jordan.carePlanId}`],
  ] as const)('refuses a %s search that returns another client', async (type, ref) => {
    const misbehaving: FhirReader = {
      read: (t, id) => fhir.read(t, id),
      search: (t, params) => fhir.search(t, t === type ? { ...params, patient: jordan.patientId } : params),
    };
    await expectMismatch(
      new FhirAdapter(misbehaving).readTaskContext({ reads: ALL, clientId: avery.patientId }),
      ref,
    );
  });

  it('refuses a patient read that answers another patient', async () => {
    const misbehaving: FhirReader = {
      read: (t, id) => fhir.read(t, t === 'Patient' ? jordan.patientId : id),
      search: (t, params) => fhir.search(t, params),
    };
    await expectMismatch(
      new FhirAdapter(misbehaving).readTaskContext({ reads: ALL, clientId: avery.patientId }),
      `Patient/${jordan.patientId}`,
    );
  });

  it("does not count another client's care team toward the access check", async () => {
    const misbehaving: FhirReader = {
      read: (t, id) => fhir.read(t, id),
      search: (t, params) =>
        fhir.search(t, t === 'CareTeam' ? { ...params, patient: jordan.patientId } : params),
    };
    // The therapist is on Jordan's team; Riley's search answered with Jordan's team must not count.
    await expectMismatch(
      new FhirAdapter(misbehaving).relationshipsOf(riley.patientId, therapist.id),
      `CareTeam/${jordan.careTeamId}`,
    );
  });
});
