import type { Consent, DocumentReference, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '@carerelay/bus/testing';
import { SANDBOX_CLIENTS, SANDBOX_PRACTITIONERS } from '@carerelay/ehr/sandbox';
import type { AiTask, AuditEvent } from '@carerelay/events';
import { PolicyHarness } from './support/policy/harness.js';
import {
  createClient,
  createPortalMessage,
  createPsychotherapyNote,
  type NewClient,
} from './support/policy/fixtures.js';

/**
 * Issue #13, "What it must show", second bullet: the use-case catalogue and the policy
 * engine on real infrastructure (Kafka, registry, Redis, Postgres audit store, sandbox FHIR
 * server, the Azure protocol recorded). Every expectation below is written by hand from the
 * issue, DOMAIN.md and the seed; none is read back from the catalogue or the engine.
 */

const { avery, jordan, riley } = SANDBOX_CLIENTS;
const THERAPIST = SANDBOX_PRACTITIONERS.therapist.id; // avery's and jordan's care teams
const PSYCHIATRIST = SANDBOX_PRACTITIONERS.psychiatrist.id; // avery's and riley's, NOT jordan's
const COUNSELOR = SANDBOX_PRACTITIONERS.counselor.id; // riley's
const BILLER = 'sbx-user-biller';

/** The §2.32 notice (2024 rule, short form), as the regulation words it. */
const PART2_NOTICE = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';

/** Sentences of avery's two seeded signed notes (no identifiers in them: they survive de-identification). */
const AVERY_NOTE_FRAGMENTS = [
  'Weekly CBT with behavioral activation',
  'psychiatry referral for medication review',
  'walking twice this week',
  'thought record for work-related rumination',
  'Still ruminating about work performance',
];

const NOTE_READS = [
  'Patient',
  'Encounter',
  'DocumentReference',
  'CarePlan',
  'Goal',
  'Observation',
  'QuestionnaireResponse',
  'Condition',
  'RelatedPerson',
  'CareTeam',
  'Practitioner',
];

/**
 * What each use case may read from the EHR, by FHIR resource type, for a clinician on the
 * client's care team and a client who is not Part 2 (so no Consent read, AI consent not
 * required). Written by hand from the catalogue's read plans: a catalogue change fails here.
 * CareTeam is also the relationship check's read, Encounter its read of the session when
 * one is named; every task reads the Patient.
 */
const READS: ReadonlyArray<{ useCase: string; encounter: boolean; types: readonly string[] }> = [
  { useCase: 'soap_note', encounter: true, types: NOTE_READS },
  { useCase: 'dap_note', encounter: true, types: NOTE_READS },
  { useCase: 'birp_note', encounter: true, types: NOTE_READS },
  { useCase: 'chart_summary', encounter: true, types: NOTE_READS },
  // No encounter on the request: priorNotes, goals, assessments, diagnoses, intake answers, identity hints.
  {
    useCase: 'treatment_plan',
    encounter: false,
    types: NOTE_READS.filter((t) => t !== 'Encounter'),
  },
  // Intake answers (QuestionnaireResponse) and identity hints only.
  {
    useCase: 'intake_extraction',
    encounter: false,
    types: ['Patient', 'QuestionnaireResponse', 'RelatedPerson', 'CareTeam', 'Practitioner'],
  },
  // The message alone decides its category and urgency.
  {
    useCase: 'message_triage',
    encounter: false,
    types: ['Patient', 'Communication', 'RelatedPerson', 'CareTeam', 'Practitioner'],
  },
  // Payment: times and codes only.
  { useCase: 'coding', encounter: true, types: ['Patient', 'Encounter', 'Condition', 'CareTeam'] },
  {
    useCase: 'goal_progress',
    encounter: false,
    types: [
      'Patient',
      'DocumentReference',
      'CarePlan',
      'Goal',
      'Observation',
      'QuestionnaireResponse',
      'RelatedPerson',
      'CareTeam',
      'Practitioner',
    ],
  },
];

describe('policy: catalogue, consent, Part 2, break-glass on real infrastructure (issue #13)', () => {
  const h = new PolicyHarness({
    kafkaBrokers: inject('kafkaBrokers'),
    schemaRegistryUrl: inject('schemaRegistryUrl'),
    redisUrl: inject('redisUrl'),
    databaseUrl: inject('databaseUrl'),
  });
  const created: NewClient[] = [];
  /** Task ids of earlier cases that later cases use (the PHI-in-logs control, cross-tenant). */
  const known: { billerCoding?: string } = {};

  beforeAll(async () => {
    await h.start();
  }, 180_000);

  afterAll(async () => {
    await h.stop();
  }, 60_000);

  const ask = async (
    sub: string,
    roles: readonly string[],
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }> => h.requestTask(h.token(sub, roles), body);

  const accepted = async (
    sub: string,
    roles: readonly string[],
    body: Record<string, unknown>,
  ): Promise<string> => {
    const answer = await ask(sub, roles, body);
    expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 202 });
    return answer.body['taskId'] as string;
  };

  const publishedTask = async (taskId: string, timeoutMs = 30_000): Promise<AiTask> => {
    await eventually(async () => (await h.task(taskId)) !== undefined, `ai.task ${taskId}`, timeoutMs);
    return (await h.task(taskId))!;
  };

  const auditsOf = async (taskId: string): Promise<AuditEvent[]> =>
    (await h.audits()).filter((a) => a.taskId === taskId);

  const auditOf = async (taskId: string, action: string, timeoutMs = 30_000): Promise<AuditEvent> => {
    await eventually(
      async () => (await auditsOf(taskId)).some((a) => a.action === action),
      `${action} audit of ${taskId}`,
      timeoutMs,
    );
    return (await auditsOf(taskId)).find((a) => a.action === action)!;
  };

  const modelCallsFor = (taskId: string): number =>
    h.recorder.requests.filter((r) => JSON.stringify(r.headers).includes(taskId)).length;

  const textOf = (doc: DocumentReference): string =>
    Buffer.from(doc.content?.[0]?.attachment?.data ?? '', 'base64').toString('utf8');

  it("a biller's coding task carries no narrative field (ai.task.v1 plaintext, ai.request.v1 bytes), purpose PAYMENT", async () => {
    const taskId = await accepted(BILLER, ['biller'], {
      clientId: avery.patientId,
      useCase: 'coding',
      encounterId: avery.encounterIds.session53,
    });
    known.billerCoding = taskId;
    const task = await publishedTask(taskId);
    expect(task.purposeOfUse).toBe('PAYMENT');
    expect(task.requestedBy).toEqual({ userId: BILLER, role: 'biller' });

    const context = await h.openContext(task);
    expect(context.sessionNotes).toBeNull();
    expect(context.priorNotes).toEqual([]);
    expect(context.messages).toEqual([]);
    expect(context.intakeAnswers).toEqual([]);
    expect(context.goals).toEqual([]);
    expect(context.assessments).toEqual([]);
    expect(context.relatedPersons).toEqual([]);
    expect(context.careTeam).toEqual([]);
    // Positive control: what coding needs is there (the 53-minute session and the F33.1 diagnosis).
    expect(context.encounter).not.toBeNull();
    expect(context.diagnoses.map((d) => d.code)).toEqual(['F33.1']);

    const phiAccess = await auditOf(taskId, 'PHI_ACCESS');
    expect(phiAccess.purposeOfUse).toBe('PAYMENT');
    const decision = await auditOf(taskId, 'POLICY_DECISION');
    expect(decision).toMatchObject({ outcome: 'SUCCESS', purposeOfUse: 'PAYMENT' });

    await eventually(
      async () => (await h.requestBytes(taskId)).length > 0,
      'the ai.request of the coding task',
    );
    const bytes = Buffer.concat(await h.requestBytes(taskId)).toString('utf8');
    expect(bytes).toContain('F33.1'); // the bytes are searchable (positive control)
    for (const fragment of AVERY_NOTE_FRAGMENTS) expect(bytes).not.toContain(fragment);
    expect(bytes).not.toContain('move my 2pm session'); // avery's portal message
  }, 60_000);

  describe('each use case reads only its declared FHIR resource types (sandbox request log)', () => {
    it.each(READS)(
      '$useCase',
      async ({ useCase, encounter, types }) => {
        await new Promise((r) => setTimeout(r, 300)); // let the previous task's reads settle
        h.sandbox.clearRequestLog();
        const taskId = await accepted(THERAPIST, ['clinician'], {
          clientId: avery.patientId,
          useCase,
          ...(encounter ? { encounterId: avery.encounterIds.intake } : {}),
        });
        await publishedTask(taskId);
        const connector = h.sandbox.clients.readOnly.clientId;
        const reads = h.sandbox.requestLog.filter((r) => r.clientId === connector);
        expect(reads.every((r) => r.method === 'GET')).toBe(true);
        const read = [...new Set(reads.map((r) => r.resourceType ?? `(system) ${r.path}`))].sort();
        // Minimum necessary: nothing outside the declared types is read...
        expect(read.filter((t) => !types.includes(t))).toEqual([]);
        // ...and what is declared is what is read (intake extraction reads the intake form).
        expect(read).toEqual([...types].sort());
      },
      45_000,
    );
  });

  it('a Part 2 client without consent: no model call, an audited CONSENT_CHECK denial, the refusal visible to the requester', async () => {
    const client = await createClient(
      h.fhir,
      { given: 'Odalys', family: 'Brennecke', mrn: 'POL-200011' },
      { code: 'F11.20', display: 'Opioid dependence, uncomplicated' },
      THERAPIST,
    );
    created.push(client);
    const taskId = await accepted(THERAPIST, ['clinician'], {
      clientId: client.patientId,
      useCase: 'chart_summary',
    });
    const check = await auditOf(taskId, 'CONSENT_CHECK');
    expect(check).toMatchObject({ outcome: 'DENIED', part2: true, reasonCode: 'PART2_CONSENT_ABSENT' });
    await eventually(
      async () => (await h.taskStatus(h.token(THERAPIST, ['clinician']), taskId)).body['state'] === 'refused',
      'the refused status',
    );
    const status = await h.taskStatus(h.token(THERAPIST, ['clinician']), taskId);
    expect(status).toMatchObject({
      status: 200,
      body: { taskId, state: 'refused', reasonCode: 'PART2_CONSENT_ABSENT', rule: 'part2.consent' },
    });
    expect(await h.task(taskId)).toBeUndefined();
    expect(await h.requestBytes(taskId)).toEqual([]);
    expect(modelCallsFor(taskId)).toBe(0);
  }, 60_000);

  it('with consent (riley as seeded): a draft carrying the §2.32 notice and the 42CFRPart2 label, and an accounting entry naming the consent', async () => {
    const taskId = await accepted(COUNSELOR, ['clinician'], {
      clientId: riley.patientId,
      useCase: 'chart_summary',
    });
    const task = await publishedTask(taskId);
    expect(task.securityLabels).toContain('42CFRPart2');
    expect(task.consentRef).toMatch(new RegExp(`^Consent/${riley.consentId}/_history/[^/]+$`));
    const check = await auditOf(taskId, 'CONSENT_CHECK');
    expect(check).toMatchObject({ outcome: 'SUCCESS', part2: true });

    await auditOf(taskId, 'DRAFT_WRITTEN', 45_000);
    const drafts = (
      await h.fhir.search<DocumentReference>('DocumentReference', { patient: riley.patientId })
    ).filter((d) => d.docStatus === 'preliminary');
    expect(drafts).toHaveLength(1);
    const draft = drafts[0]!;
    expect(textOf(draft)).toContain(PART2_NOTICE);
    expect((draft.meta?.security ?? []).map((s) => s.code)).toContain('42CFRPart2');
    expect(modelCallsFor(taskId)).toBeGreaterThan(0);

    // Accounting of disclosures, straight from the hash-chained store (as the compliance API reads it).
    let rows: Array<{ part2: boolean; description: string | null; purpose_of_use: string | null }> = [];
    await eventually(async () => {
      rows = (
        await h.reader.query<{ part2: boolean; description: string | null; purpose_of_use: string | null }>(
          `SELECT part2, description, purpose_of_use FROM audit.events
           WHERE tenant_id = $1 AND client_id = $2 AND task_id = $3 AND action = 'PHI_DISCLOSURE' AND outcome = 'SUCCESS'`,
          [h.tenant, riley.patientId, taskId],
        )
      ).rows;
      return rows.length > 0;
    }, 'the disclosure in the audit store');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.part2).toBe(true);
    expect(rows[0]!.purpose_of_use).toBe('TREATMENT');
    expect(rows[0]!.description).toContain(`under consent Consent/${riley.consentId}/_history/`);
  }, 90_000);

  it('consent revoked → the next task is refused (PART2_CONSENT_REVOKED), no model call', async () => {
    const consent = await h.fhir.read<Consent>('Consent', riley.consentId);
    const revoked = await h.fhir.update<Consent>({ ...consent, status: 'inactive' });
    expect(revoked.meta?.versionId).not.toBe(consent.meta?.versionId);
    // The EHR reports the Consent change (keyed by client, so it is planned before the request below).
    await h.publishChange({
      clientId: riley.patientId,
      changeType: 'OTHER',
      resourceType: 'Consent',
      resourceId: riley.consentId,
      resourceVersion: revoked.meta?.versionId ?? null,
    });
    const taskId = await accepted(COUNSELOR, ['clinician'], {
      clientId: riley.patientId,
      useCase: 'chart_summary',
      redraft: true,
    });
    const check = await auditOf(taskId, 'CONSENT_CHECK');
    expect(check).toMatchObject({ outcome: 'DENIED', part2: true, reasonCode: 'PART2_CONSENT_REVOKED' });
    await eventually(
      async () => (await h.taskStatus(h.token(COUNSELOR, ['clinician']), taskId)).body['state'] === 'refused',
      'the refused status',
    );
    expect((await h.taskStatus(h.token(COUNSELOR, ['clinician']), taskId)).body).toMatchObject({
      reasonCode: 'PART2_CONSENT_REVOKED',
      rule: 'part2.consent',
    });
    expect(await h.task(taskId)).toBeUndefined();
    expect(modelCallsFor(taskId)).toBe(0);
  }, 60_000);

  it('a smoker (F17.210 only) is not Part 2: task published, no 42CFRPart2 label, no consent check', async () => {
    const client = await createClient(
      h.fhir,
      { given: 'Teodor', family: 'Marchetti-Vale', mrn: 'POL-200012' },
      { code: 'F17.210', display: 'Nicotine dependence, cigarettes, uncomplicated' },
      THERAPIST,
    );
    created.push(client);
    const taskId = await accepted(THERAPIST, ['clinician'], {
      clientId: client.patientId,
      useCase: 'chart_summary',
    });
    const task = await publishedTask(taskId);
    expect(task.securityLabels).not.toContain('42CFRPart2');
    expect(task.consentRef).toBeNull();
    expect((await h.openContext(task)).diagnoses.map((d) => d.code)).toEqual(['F17.210']);
    // The model call comes after the planner's audit events: by then a CONSENT_CHECK would be there.
    await auditOf(taskId, 'LLM_CALL', 30_000);
    const actions = (await auditsOf(taskId)).map((a) => a.action);
    expect(actions).toContain('PHI_ACCESS');
    expect(actions).not.toContain('CONSENT_CHECK');
    expect((await auditsOf(taskId)).every((a) => a.part2 === false)).toBe(true);
  }, 60_000);

  it('psychotherapy notes never appear in a request; a normal prior note does', async () => {
    const sentence = 'Marigold lantern disclosure about the estranged uncle stays in the process record.';
    const docId = await createPsychotherapyNote(h.fhir, avery.patientId, THERAPIST, sentence);
    const taskId = await accepted(THERAPIST, ['clinician'], {
      clientId: avery.patientId,
      useCase: 'soap_note',
      encounterId: avery.encounterIds.session53,
    });
    const access = await auditOf(taskId, 'PHI_ACCESS');
    expect(access.counts['excludedNotes']).toBe(1);
    await auditOf(taskId, 'LLM_CALL', 30_000);
    expect(modelCallsFor(taskId)).toBeGreaterThan(0);
    const bytes = Buffer.concat(await h.requestBytes(taskId)).toString('utf8');
    // Positive control: avery's intake note (not this session's own) is in the request.
    expect(bytes).toContain('Weekly CBT with behavioral activation');
    expect(h.modelBodies()).toContain('Weekly CBT with behavioral activation');
    for (const leaked of [sentence, 'Marigold lantern', docId]) {
      expect(bytes).not.toContain(leaked);
      expect(await h.allRequestBytes()).not.toContain(leaked);
      expect(h.modelBodies()).not.toContain(leaked);
    }
  }, 60_000);

  it("a patient's portal message is triaged: a Communication draft in preparation, decided for patient_portal", async () => {
    const text = 'Could my Thursday appointment move to the afternoon? The bus timetable changed this month.';
    const messageId = await createPortalMessage(h.fhir, avery.patientId, THERAPIST, text);
    await h.publishChange({
      clientId: avery.patientId,
      changeType: 'MESSAGE_RECEIVED',
      source: 'FHIR_SUBSCRIPTION',
      resourceType: 'Communication',
      resourceId: messageId,
      actorUserId: null,
    });
    let decision: AuditEvent | undefined;
    await eventually(async () => {
      decision = (await h.audits()).find(
        (a) =>
          a.action === 'POLICY_DECISION' &&
          a.useCase === 'message_triage' &&
          a.actor.role === 'patient_portal' &&
          a.clientId === avery.patientId,
      );
      return decision !== undefined;
    }, 'the portal message decision');
    expect(decision).toMatchObject({ outcome: 'SUCCESS', actor: { userId: null, role: 'patient_portal' } });
    const taskId = decision!.taskId!;
    const written = await auditOf(taskId, 'DRAFT_WRITTEN', 45_000);
    const ref = /Communication\/[^\s/]+/.exec(written.description ?? '')?.[0];
    expect(ref).toBeDefined();
    const draft = await h.fhir.read<Resource & { status?: string }>('Communication', ref!.split('/')[1]!);
    expect(draft.status).toBe('preparation');
  }, 60_000);

  it("cross-tenant requests are refused: POST with another tenant's token → 403 AUTH_WRONG_TENANT; its status → 403", async () => {
    const other = h.token(THERAPIST, ['clinician'], h.otherTenant);
    const post = await h.requestTask(other, { clientId: avery.patientId, useCase: 'chart_summary' });
    expect(post).toMatchObject({ status: 403, body: { code: 'AUTH_WRONG_TENANT' } });

    const taskId = known.billerCoding!;
    expect(taskId).toBeDefined();
    // Positive control: the requester reads it.
    expect((await h.taskStatus(h.token(BILLER, ['biller']), taskId)).status).toBe(200);
    const crossBiller = await h.taskStatus(h.token(BILLER, ['biller'], h.otherTenant), taskId);
    expect(crossBiller).toMatchObject({ status: 403, body: { code: 'AUTH_WRONG_TENANT' } });
    const crossOfficer = await h.taskStatus(
      h.token('sbx-officer', ['compliance_officer'], h.otherTenant),
      taskId,
    );
    expect(crossOfficer).toMatchObject({ status: 403, body: { code: 'AUTH_WRONG_TENANT' } });
    // Another user of the same tenant learns nothing either (documented: the same 404 as an unknown id).
    const stranger = await h.taskStatus(h.token(THERAPIST, ['clinician']), taskId);
    expect(stranger).toMatchObject({ status: 404, body: { code: 'TASK_NOT_FOUND' } });
  });

  it('break-glass: refused without it, refused with a too-short reason, audited and planned with a real one; never for payment', async () => {
    const body = { clientId: jordan.patientId, useCase: 'chart_summary' };
    const without = await ask(PSYCHIATRIST, ['clinician'], body);
    expect(without).toMatchObject({ status: 403, body: { code: 'NOT_ON_CARE_TEAM' } });

    const short = await ask(PSYCHIATRIST, ['clinician'], { ...body, breakGlass: { reason: 'urgent' } });
    expect(short).toMatchObject({ status: 403, body: { code: 'BREAK_GLASS_REASON_REQUIRED' } });

    const reason =
      'Client arrived in crisis at the walk-in clinic and the assigned therapist is unreachable.';
    const taskId = await accepted(PSYCHIATRIST, ['clinician'], { ...body, breakGlass: { reason } });
    let glass: Array<{ outcome: string; reason_code: string | null; purpose_of_use: string | null }> = [];
    await eventually(async () => {
      glass = (
        await h.reader.query<{ outcome: string; reason_code: string | null; purpose_of_use: string | null }>(
          `SELECT outcome, reason_code, purpose_of_use FROM audit.events
           WHERE tenant_id = $1 AND action = 'BREAK_GLASS' AND actor_user_id = $2 AND client_id = $3
             AND outcome = 'SUCCESS'`,
          [h.tenant, PSYCHIATRIST, jordan.patientId],
        )
      ).rows;
      return glass.length > 0;
    }, 'the BREAK_GLASS audit row');
    expect(glass).toEqual([
      { outcome: 'SUCCESS', reason_code: 'BREAK_GLASS_OVERRIDE', purpose_of_use: 'TREATMENT' },
    ]);
    const decision = await auditOf(taskId, 'POLICY_DECISION');
    expect(decision).toMatchObject({ outcome: 'SUCCESS', reasonCode: 'BREAK_GLASS_OVERRIDE' });
    await publishedTask(taskId);

    // Break-glass is for treatment only: a clinician off the care team cannot code a claim with it,
    // not even while the grant above is in force.
    const coding = await ask(PSYCHIATRIST, ['clinician'], {
      clientId: jordan.patientId,
      useCase: 'coding',
      breakGlass: { reason },
    });
    expect(coding).toMatchObject({ status: 403, body: { code: 'BREAK_GLASS_NOT_PERMITTED' } });
    // A biller cannot break the glass into a treatment use case...
    const billerSummary = await ask(BILLER, ['biller'], { ...body, breakGlass: { reason } });
    expect(billerSummary.status).toBe(403);
    expect(billerSummary.body['code']).toBe('USE_CASE_NOT_PERMITTED_FOR_ROLE');
    // ...and a biller's coding request (which needs no relationship) never grants an override.
    const billerCoding = await ask(BILLER, ['biller'], {
      clientId: jordan.patientId,
      useCase: 'coding',
      breakGlass: { reason },
    });
    // Coding needs no relationship for a biller, so there is nothing to override: the request
    // is an ordinary permitted one (on-demand.ts: break-glass is honoured for treatment only).
    expect(billerCoding.status).toBe(202);
    const billerTask = billerCoding.body['taskId'] as string;
    const billerDecision = await auditOf(billerTask, 'POLICY_DECISION');
    expect(billerDecision).toMatchObject({
      outcome: 'SUCCESS',
      reasonCode: 'PERMITTED',
      purposeOfUse: 'PAYMENT',
    });
    // Audited (if at all) at the ingress before the request was queued: on the tenant's audit
    // partition ahead of the planner's decision seen above.
    const billerGlass = (await h.audits()).filter(
      (a) => a.action === 'BREAK_GLASS' && a.actor.userId === BILLER,
    );
    expect(billerGlass).toEqual([]);
    // Positive control of that query: the psychiatrist's override is found the same way.
    expect(
      (await h.audits())
        .filter((a) => a.action === 'BREAK_GLASS' && a.actor.userId === PSYCHIATRIST)
        .map((a) => a.outcome),
    ).toEqual(['DENIED', 'SUCCESS']);
    // The coding attempt came with a live grant in force: refused by the decision itself, audited as such.
    expect(
      (await h.audits()).some(
        (a) =>
          a.action === 'POLICY_DECISION' &&
          a.actor.userId === PSYCHIATRIST &&
          a.useCase === 'coding' &&
          a.outcome === 'DENIED' &&
          a.reasonCode === 'BREAK_GLASS_NOT_PERMITTED',
      ),
    ).toBe(true);
  }, 60_000);

  it("no client identifier of the fixtures appears in the services' logs", async () => {
    const logged = h.log.text();
    // Positive control: the capture holds the services' lines, with the ids they do log.
    expect(logged).toContain('task planned');
    expect(logged).toContain(known.billerCoding!);
    const identifiers = [
      ...[avery, jordan, riley].flatMap((c) => [c.given, c.family, c.mrn, c.phone, c.birthDate]),
      ...created.flatMap((c) => [c.given, c.family, c.mrn]),
    ];
    expect(identifiers.filter((id) => logged.includes(id))).toEqual([]);
  });
});
