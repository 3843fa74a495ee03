import type { ChangeType, UseCase, WritebackKind } from '@carerelay/events';

/**
 * THE use-case catalogue: everything about a use case is declared here, once, and reviewed
 * here. Access checks, planning, fetching (minimum necessary, applied at the read),
 * de-identification field sets, the producer, write-back targets, rollout and the CLI all
 * ask this file; no other file restates a use case's rules (ARCHITECTURE.md, "one catalogue").
 *
 * Changing an entry changes who may see what about whom: review it like a policy document.
 */

/** People's roles (from the token) and the service identities that act for patient-originated work. */
export const ROLES = [
  'clinician',
  'supervisor',
  'intake_coordinator',
  'front_desk',
  'biller',
  'compliance_officer',
  'platform_admin',
  /** The patient portal: a client's own message or intake form, no clinician involved. */
  'patient_portal',
  /** The EHR's scheduler: a plan review falls due, no user asked. */
  'ehr_scheduler',
] as const;
export type Role = (typeof ROLES)[number];

/** Identities that are not people: they have no care-team relationship and are never in a pilot group. */
export const SERVICE_ROLES: readonly Role[] = ['patient_portal', 'ehr_scheduler'];

/**
 * How the requester relates to the client, as the EHR records it: on the active CareTeam,
 * the practitioner of the session's Encounter, or supervising a member of the care team.
 */
export const RELATIONSHIPS = ['care_team', 'appointment_practitioner', 'supervision'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** HL7 v3 ActReason purposes of use (the codes a Part 2 consent's provision.purpose names). */
export type PurposeOfUse = 'TREAT' | 'HPAYMT' | 'HOPERAT';

/** The `purposeOfUse` enum of the event schemas, for each v3 purpose. */
export const PURPOSE_EVENT_VALUE = {
  TREAT: 'TREATMENT',
  HPAYMT: 'PAYMENT',
  HOPERAT: 'OPERATIONS',
} as const satisfies Record<PurposeOfUse, string>;

/**
 * Product plan phases: 1 non-clinical (message triage, reminders), 2 drafting,
 * 3 decision support (off by default: a tenant turns it on).
 */
export type RolloutPhase = 1 | 2 | 3;

/**
 * The EHR data a use case may read (minimum necessary, 45 CFR 164.502(b)); absent = never
 * read, not even fetched. Each field names the FHIR reads behind it (`FIELD_READS`).
 */
export interface ReadPlan {
  /** The session's Encounter (period, type, class): requires an encounter on the task. */
  readonly encounter?: true;
  /** The clinician's own session content (jottings, dictation transcript). */
  readonly sessionNotes?: true;
  /**
   * The client's signed progress notes, newest first, at most `max`; with `withinDays`, only
   * those of the last `withinDays` days (a window, searched by date, then capped by `max`).
   */
  readonly priorNotes?: { readonly max: number; readonly withinDays?: number };
  /** Active treatment-plan goals. */
  readonly goals?: true;
  /**
   * Outcome measures and screeners (PHQ-9, PHQ-2, GAD-7 totals and items, C-SSRS answers):
   * every administration of the last `withinDays` days, newest first (a trend needs the series).
   */
  readonly assessments?: { readonly withinDays: number };
  /** Active diagnoses (codes and display only). */
  readonly diagnoses?: true;
  /** The client's most recent portal messages, at most `max`. */
  readonly messages?: { readonly max: number };
  /** The intake form's questions and answers. */
  readonly intakeAnswers?: true;
  /**
   * Names of relatives and care-team members, read only to teach de-identification what to
   * remove from narrative fields (never sent as such). Only use cases that read narrative need it.
   */
  readonly identityHints?: true;
}
export type ReadField = keyof ReadPlan;

/** FHIR resource types each read touches (the sandbox's request log is checked against this). */
export const FIELD_READS: Readonly<Record<ReadField, readonly string[]>> = {
  encounter: ['Encounter'],
  sessionNotes: ['DocumentReference'],
  priorNotes: ['DocumentReference'],
  goals: ['CarePlan', 'Goal'],
  assessments: ['Observation', 'QuestionnaireResponse'],
  diagnoses: ['Condition'],
  messages: ['Communication'],
  intakeAnswers: ['QuestionnaireResponse'],
  identityHints: ['RelatedPerson', 'CareTeam', 'Practitioner'],
};

/** Reads every task makes whatever its use case: the client (subject, identity for de-identification). */
export const ALWAYS_READ: readonly string[] = ['Patient'];

/** Consents a use case may need (see `consent.ts` for how a FHIR Consent answers each). */
export type ConsentNeed = 'ai_processing' | 'recording';

/** Who produces the output: a versioned prompt template through a model, or a deterministic rules engine. */
export type Producer =
  { readonly kind: 'model' } | { readonly kind: 'rules'; readonly service: 'coder' | 'risk-scanner' };

/** Where the output is written in the EHR, always as a draft or suggestion. */
export interface WritebackTarget {
  readonly kind: WritebackKind;
  readonly resourceType: 'DocumentReference' | 'CarePlan' | 'Communication' | 'Claim' | 'Flag';
  readonly title: string;
  /** LOINC document type (DocumentReference targets). */
  readonly loinc?: { readonly code: string; readonly display: string };
}

/** Who may ask, and which relationship to the client they need (any one of; empty = none). */
export interface AccessRule {
  readonly role: Role;
  readonly relationships: readonly Relationship[];
}

/**
 * What one task of the use case is about, so every way the same thing reaches CareRelay is
 * one task: the session (`Encounter/<id>`, else the changed resource), the resource that
 * arrived (each message, each questionnaire), or the client as a whole (`Encounter/<id>`
 * when one is named, else `Patient/<id>`).
 */
export type TaskSubject = 'encounter' | 'resource' | 'client';

export interface UseCaseSpec {
  readonly useCase: UseCase;
  readonly title: string;
  readonly subject: TaskSubject;
  /** EHR changes that plan this use case with no one asking (the planner's triggers). */
  readonly triggers: readonly ChangeType[];
  /** Whether a user may ask for it (`POST /v1/tasks`, the "draft with AI" button, the CLI). */
  readonly onDemand: boolean;
  readonly access: readonly AccessRule[];
  readonly purposeOfUse: PurposeOfUse;
  readonly reads: ReadPlan;
  /** Consents needed beyond Part 2 (AI processing only where the practice requires it). */
  readonly consent: readonly ConsentNeed[];
  /**
   * 42 CFR Part 2 (2024 rule): `with_consent` runs on Part 2 data only under a consent
   * covering the purpose and the output carries the §2.32 notice; `never` refuses Part 2 data.
   */
  readonly part2: 'with_consent' | 'never';
  readonly producer: Producer;
  readonly writeback: WritebackTarget;
  readonly phase: RolloutPhase;
}

const MH_PROGRESS_NOTE = { code: '34904-3', display: 'Mental health Progress note' } as const;
const PROGRESS_NOTE = { code: '11506-3', display: 'Progress note' } as const;

const NOTE_READS: ReadPlan = {
  encounter: true,
  sessionNotes: true,
  priorNotes: { max: 3 },
  goals: true,
  // The session's scores and the recent course (response, stagnation) the note may comment on.
  assessments: { withinDays: 180 },
  diagnoses: true,
  identityHints: true,
};

/** A year of scores: the trend a plan review, a progress report or a referral summary rests on. */
const YEAR_OF_SCORES = { withinDays: 365 } as const;

/** A treating clinician (care team or the session's practitioner), or their supervisor. */
const TREATING: readonly AccessRule[] = [
  { role: 'clinician', relationships: ['care_team', 'appointment_practitioner'] },
  { role: 'supervisor', relationships: ['supervision'] },
];

const progressNote = (useCase: UseCase, title: string): UseCaseSpec => ({
  useCase,
  title,
  subject: 'encounter',
  // SESSION_ENDED plans the tenant's configured note format (NOTE_FORMAT), not all three.
  triggers: ['SESSION_ENDED'],
  onDemand: true,
  access: TREATING,
  purposeOfUse: 'TREAT',
  reads: NOTE_READS,
  consent: ['ai_processing'],
  part2: 'with_consent',
  producer: { kind: 'model' },
  writeback: { kind: 'NOTE_DRAFT', resourceType: 'DocumentReference', title, loinc: MH_PROGRESS_NOTE },
  phase: 2,
});

export const CATALOGUE: Readonly<Record<UseCase, UseCaseSpec>> = {
  soap_note: progressNote('soap_note', 'SOAP progress note'),
  dap_note: progressNote('dap_note', 'DAP progress note'),
  birp_note: progressNote('birp_note', 'BIRP progress note'),
  treatment_plan: {
    useCase: 'treatment_plan',
    subject: 'client',
    title: 'Treatment plan',
    triggers: ['PLAN_REVIEW_DUE'],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team'] },
      { role: 'supervisor', relationships: ['supervision'] },
      // A review falling due: the draft waits for the care team, nobody asked for it.
      { role: 'ehr_scheduler', relationships: [] },
    ],
    purposeOfUse: 'TREAT',
    reads: {
      priorNotes: { max: 3 },
      goals: true,
      assessments: YEAR_OF_SCORES,
      diagnoses: true,
      intakeAnswers: true,
      identityHints: true,
    },
    consent: ['ai_processing'],
    part2: 'with_consent',
    producer: { kind: 'model' },
    writeback: { kind: 'CARE_PLAN_DRAFT', resourceType: 'CarePlan', title: 'Treatment plan' },
    phase: 2,
  },
  chart_summary: {
    useCase: 'chart_summary',
    subject: 'client',
    title: 'Chart summary',
    triggers: [],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team'] },
      { role: 'supervisor', relationships: ['supervision'] },
    ],
    purposeOfUse: 'TREAT',
    reads: {
      encounter: true,
      // A summary for a referral covers a year of care: weekly sessions write ~52 notes a
      // year, 60 leaves room for extra and crisis sessions while still bounding what is read;
      // the llm-worker summarizes long note sets in pieces (LLM_SUMMARY_CHUNK_TOKENS).
      priorNotes: { max: 60, withinDays: 365 },
      goals: true,
      assessments: YEAR_OF_SCORES,
      diagnoses: true,
      identityHints: true,
    },
    consent: ['ai_processing'],
    part2: 'with_consent',
    producer: { kind: 'model' },
    writeback: {
      kind: 'SUMMARY',
      resourceType: 'DocumentReference',
      title: 'Chart summary',
      loinc: PROGRESS_NOTE,
    },
    phase: 2,
  },
  intake_extraction: {
    useCase: 'intake_extraction',
    subject: 'resource',
    title: 'Intake extraction',
    triggers: ['INTAKE_SUBMITTED'],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team'] },
      // Intake happens before a care team exists: the coordinator who runs it needs none.
      { role: 'intake_coordinator', relationships: [] },
      { role: 'patient_portal', relationships: [] },
    ],
    purposeOfUse: 'TREAT',
    reads: { intakeAnswers: true, identityHints: true },
    consent: ['ai_processing'],
    part2: 'with_consent',
    producer: { kind: 'model' },
    writeback: {
      kind: 'NOTE_DRAFT',
      resourceType: 'DocumentReference',
      title: 'Intake extraction',
      loinc: { code: '34794-8', display: 'Interdisciplinary Initial evaluation note' },
    },
    phase: 2,
  },
  message_triage: {
    useCase: 'message_triage',
    subject: 'resource',
    title: 'Message triage',
    triggers: ['MESSAGE_RECEIVED'],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team'] },
      // Non-clinical routing (scheduling, billing, refills, urgent): the front desk reads the inbox.
      { role: 'front_desk', relationships: [] },
      // The client's own portal message: nobody but the client acted.
      { role: 'patient_portal', relationships: [] },
    ],
    purposeOfUse: 'TREAT',
    // Phase 1 is non-clinical: the message alone decides its category and urgency.
    reads: { messages: { max: 5 }, identityHints: true },
    consent: ['ai_processing'],
    part2: 'with_consent',
    producer: { kind: 'model' },
    writeback: { kind: 'COMMUNICATION_DRAFT', resourceType: 'Communication', title: 'Message triage' },
    phase: 1,
  },
  coding: {
    useCase: 'coding',
    subject: 'encounter',
    title: 'Coding suggestion',
    triggers: ['NOTE_SIGNED'],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team', 'appointment_practitioner'] },
      // Payment: the biller codes every claim, with no relationship to the client.
      { role: 'biller', relationships: [] },
    ],
    purposeOfUse: 'HPAYMT',
    // Times and codes only: no narrative (session content, notes) for a payment purpose.
    reads: { encounter: true, diagnoses: true },
    consent: [],
    part2: 'with_consent',
    producer: { kind: 'rules', service: 'coder' },
    writeback: { kind: 'CODING_SUGGESTION', resourceType: 'Claim', title: 'Coding suggestion' },
    phase: 3,
  },
  goal_progress: {
    useCase: 'goal_progress',
    subject: 'client',
    title: 'Goal progress',
    triggers: [],
    onDemand: true,
    access: TREATING,
    purposeOfUse: 'TREAT',
    reads: { priorNotes: { max: 3 }, goals: true, assessments: YEAR_OF_SCORES, identityHints: true },
    consent: ['ai_processing'],
    part2: 'with_consent',
    producer: { kind: 'model' },
    writeback: {
      kind: 'NOTE_DRAFT',
      resourceType: 'DocumentReference',
      title: 'Goal progress',
      loinc: PROGRESS_NOTE,
    },
    phase: 2,
  },
  outcome_review: {
    useCase: 'outcome_review',
    subject: 'resource',
    title: 'Outcome measure review',
    // A PHQ-9, GAD-7, PHQ-2 or C-SSRS arrived (portal or in session): screened at once.
    triggers: ['ASSESSMENT_COMPLETED'],
    onDemand: true,
    access: [
      { role: 'clinician', relationships: ['care_team', 'appointment_practitioner'] },
      // The client filled the form in the portal: nobody but the client acted.
      { role: 'patient_portal', relationships: [] },
    ],
    purposeOfUse: 'TREAT',
    // Scores only: no narrative, no identity hints (nothing to de-identify but dates).
    reads: { assessments: YEAR_OF_SCORES },
    // Rules, no model: screening a validated instrument is the client's safety, not AI processing.
    consent: [],
    part2: 'with_consent',
    producer: { kind: 'rules', service: 'risk-scanner' },
    writeback: { kind: 'ALERT', resourceType: 'Flag', title: 'Risk alert or plan-review flag' },
    // Safety: on wherever drafting is (phase 2), unlike coding's decision support (phase 3).
    phase: 2,
  },
};

export const USE_CASES = Object.keys(CATALOGUE) as UseCase[];

export function specOf(useCase: UseCase): UseCaseSpec {
  return CATALOGUE[useCase];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Use cases whose output a model drafts (a prompt template exists for each). */
export const MODEL_USE_CASES: readonly UseCase[] = USE_CASES.filter(
  (u) => CATALOGUE[u].producer.kind === 'model',
);

/** Whether the catalogue names `service` as the rules engine that produces the use case's output. */
export function isProducedBy(useCase: UseCase, service: 'coder' | 'risk-scanner'): boolean {
  const producer = CATALOGUE[useCase].producer;
  return producer.kind === 'rules' && producer.service === service;
}

/** The progress-note formats (SESSION_ENDED plans the one the tenant chose). */
export type NoteFormat = 'soap_note' | 'dap_note' | 'birp_note';

/** Progress-note formats a tenant may choose for SESSION_ENDED. */
export const NOTE_FORMATS = USE_CASES.filter((u): u is NoteFormat =>
  CATALOGUE[u].triggers.includes('SESSION_ENDED'),
);

/**
 * The use case an EHR change plans on its own (no one asked), or null. SESSION_ENDED plans
 * the tenant's note format; every other trigger names one use case.
 */
export function useCaseForChange(change: ChangeType, noteFormat: UseCase): UseCase | null {
  if (change === 'SESSION_ENDED') return noteFormat;
  return USE_CASES.find((u) => CATALOGUE[u].triggers.includes(change)) ?? null;
}
