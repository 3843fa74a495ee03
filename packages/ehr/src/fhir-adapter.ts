import type {
  ContextCareTeamMember,
  ContextDiagnosis,
  ContextGoal,
  ContextMessage,
  TaskContext,
} from '@carerelay/events';
import type {
  CarePlan,
  CareTeam,
  Communication,
  Condition,
  Consent,
  DocumentReference,
  Encounter,
  Goal,
  Observation,
  Patient,
  Practitioner,
  QuestionnaireResponse,
  RelatedPerson,
  Resource,
} from '@medplum/fhirtypes';
import {
  classifyPart2,
  excludedFromModel,
  PART2_LABEL,
  priorNotesSince,
  type Part2Finding,
  type ReadPlan,
  type Relationship,
} from '@carerelay/policy';
import {
  questionnaireKinds,
  SUMMED_INSTRUMENTS,
  scoreObservation,
  scoreQuestionnaireResponses,
  type InstrumentScore,
} from '@carerelay/clinical';
import { CareRelayError } from '@carerelay/errors';
import type { FhirClient } from './fhir-client.js';
import {
  ICD10CM,
  latestSignedNotes,
  LOINC,
  mapClient,
  mapEncounter,
  mapNote,
  mapRelatedPerson,
  priorNotesSearch,
  securityCodes,
  versionedRef,
} from './fhir-mapping.js';
import { assertAboutClient, assertAllAboutClient } from './subject-check.js';

export interface TaskContextRequest {
  readonly clientId: string;
  readonly encounterId?: string | null;
  /**
   * What the use case may read (the catalogue's read plan): nothing else is fetched from
   * the EHR, so minimum necessary holds at the source, not only after the read.
   */
  readonly reads: ReadPlan;
  /** `Type/id` of the changed resource the task is about (a questionnaire that arrived), if any. */
  readonly subjectRef?: string;
}

/** A resource read but kept out of the context, and why (it never reaches a model). */
export interface ExcludedResource {
  readonly ref: string;
  readonly reason: 'PSYCHOTHERAPY_NOTE' | 'SUD_COUNSELING_NOTE';
}

export interface TaskContextRead {
  readonly context: TaskContext;
  /** Sensitivity labels on the data read (42CFRPart2, ETH, PSY, R); 42CFRPart2 whenever `part2` holds. */
  readonly securityLabels: string[];
  /** `Type/id/_history/vid` of every resource the context was built from, for provenance. */
  readonly sourceRefs: string[];
  /** Whether what the context was built from is 42 CFR Part 2 data, and why. */
  readonly part2: Part2Finding;
  /** Documents read but never used (psychotherapy and SUD counseling notes). */
  readonly excluded: readonly ExcludedResource[];
}

/** What the connector needs from an EHR, whatever speaks to it (FHIR today, webhooks/polling later). */
/** What the adapter reads through: the EHR's FHIR API, or a Bundle (`BundleFhirReader`). */
export type FhirReader = Pick<FhirClient, 'read' | 'search'>;

export interface EhrAdapter {
  readTaskContext(request: TaskContextRequest): Promise<TaskContextRead>;
  /**
   * How a practitioner relates to the client (the access check's relationship test): on an
   * active CareTeam, supervising on it, or the practitioner of the task's Encounter.
   */
  relationshipsOf(
    clientId: string,
    practitionerId: string,
    encounterId?: string | null,
  ): Promise<Relationship[]>;
  /** The client's Consent resources (every version the EHR returns; evaluation is the policy's). */
  readConsents(clientId: string): Promise<Consent[]>;
  /** `CareTeam/<id>` of the client's active care teams (a consent may name one as recipient). */
  careTeamRefs(clientId: string): Promise<string[]>;
}

export interface FhirAdapterOptions {
  /** Organizations (`Organization/<id>`) that are 42 CFR Part 2 programs for this tenant. */
  readonly part2Programs?: readonly string[];
  /** The clock a read's windows (prior notes of the last N days) are measured from. */
  readonly now?: () => Date;
}

/** Collects the provenance refs, security labels and resources the context is built from. */
class ReadLog {
  readonly refs = new Set<string>();
  readonly labels = new Set<string>();
  readonly resources: Resource[] = [];

  use<T extends Resource>(resource: T): T {
    const ref = versionedRef(resource);
    if (!this.refs.has(ref)) this.resources.push(resource);
    this.refs.add(ref);
    for (const code of securityCodes(resource)) this.labels.add(code);
    return resource;
  }
}

const none = <T>(): Promise<T[]> => Promise.resolve([]);

type ResponseItem = NonNullable<QuestionnaireResponse['item']>[number];

/** One answer as text (string, choice, number, date, yes/no); undefined when it has no value. */
function answerText(answer: NonNullable<ResponseItem['answer']>[number]): string | undefined {
  if (answer.valueString !== undefined) return answer.valueString;
  if (answer.valueCoding) return answer.valueCoding.display ?? answer.valueCoding.code;
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'yes' : 'no';
  const value =
    answer.valueInteger ??
    answer.valueDecimal ??
    answer.valueDate ??
    answer.valueDateTime ??
    answer.valueTime;
  if (value !== undefined) return String(value);
  if (answer.valueQuantity?.value !== undefined)
    return `${answer.valueQuantity.value}${answer.valueQuantity.unit ? ` ${answer.valueQuantity.unit}` : ''}`;
  return undefined;
}

const LOINC_CODE = /^\d{1,7}-\d$/;

/**
 * The LOINC code of a response item, where the form carries one: R4 items have linkId and
 * definition only, some EHRs copy the Questionnaire's `code` onto the item, and LHC-Forms
 * linkIds are LOINC paths ("/44249-1/44250-9").
 */
function itemLoinc(item: ResponseItem): string | null {
  const copied = (item as { code?: readonly { system?: string; code?: string }[] }).code ?? [];
  const candidates = [
    ...copied.filter((c) => c.system === undefined || c.system === LOINC).map((c) => c.code ?? ''),
    (item.definition ?? '').split(/[#/]/).pop() ?? '',
    item.linkId.split('/').pop() ?? '',
  ];
  return candidates.find((c) => LOINC_CODE.test(c)) ?? null;
}

/** Question/answer pairs of a response, groups flattened, unanswered questions left out. */
function intakeItems(items: readonly ResponseItem[]): TaskContext['intakeAnswers'] {
  return items.flatMap((item) => {
    const answers = (item.answer ?? []).map(answerText).filter((a): a is string => Boolean(a));
    const own =
      answers.length > 0
        ? [
            {
              question: item.text ?? item.linkId,
              answer: answers.join('; '),
              linkId: item.linkId,
              code: itemLoinc(item),
            },
          ]
        : [];
    const nested = [...(item.item ?? []), ...(item.answer ?? []).flatMap((a) => a.item ?? [])];
    return [...own, ...intakeItems(nested)];
  });
}

/** A care-team participant whose role names supervision (text or coding display/code). */
function isSupervisorRole(participant: NonNullable<CareTeam['participant']>[number]): boolean {
  return (participant.role ?? []).some((r) =>
    [r.text, ...(r.coding ?? []).flatMap((c) => [c.display, c.code])].some((t) => t && /supervis/i.test(t)),
  );
}

function byNewest<T>(date: (r: T) => string | undefined): (a: T, b: T) => number {
  return (a, b) => (Date.parse(date(b) ?? '') || 0) - (Date.parse(date(a) ?? '') || 0);
}

/**
 * A diagnosis in force (DOMAIN.md FHIR mapping): clinical status active, recurrence or relapse;
 * a Condition without a clinical status counts as active (many EHRs never set it) unless its
 * verification status says entered-in-error or refuted.
 */
function isActiveCondition(condition: Condition): boolean {
  const verification = condition.verificationStatus?.coding?.map((c) => c.code) ?? [];
  if (verification.includes('entered-in-error') || verification.includes('refuted')) return false;
  const status = condition.clinicalStatus?.coding?.map((c) => c.code) ?? [];
  if (status.length === 0) return true;
  return status.some((code) => code === 'active' || code === 'recurrence' || code === 'relapse');
}

/** The FHIR R4 adapter: builds the minimum-necessary TaskContext per DOMAIN.md's FHIR mapping. */
export class FhirAdapter implements EhrAdapter {
  constructor(
    private readonly fhir: FhirReader,
    private readonly options: FhirAdapterOptions = {},
  ) {}

  async relationshipsOf(
    clientId: string,
    practitionerId: string,
    encounterId?: string | null,
  ): Promise<Relationship[]> {
    const member = `Practitioner/${practitionerId}`;
    const [teams, encounter] = await Promise.all([
      this.fhir.search<CareTeam>('CareTeam', { patient: clientId, status: 'active' }),
      encounterId ? this.fhir.read<Encounter>('Encounter', encounterId) : Promise.resolve(undefined),
    ]);
    const found = new Set<Relationship>();
    for (const team of assertAllAboutClient(teams, clientId).filter((t) => t.status === 'active')) {
      for (const p of team.participant ?? []) {
        if (p.member?.reference !== member) continue;
        found.add(isSupervisorRole(p) ? 'supervision' : 'care_team');
      }
    }
    if (encounter) {
      assertAboutClient(encounter, clientId);
      if ((encounter.participant ?? []).some((p) => p.individual?.reference === member))
        found.add('appointment_practitioner');
    }
    return [...found];
  }

  async careTeamRefs(clientId: string): Promise<string[]> {
    const teams = assertAllAboutClient(
      await this.fhir.search<CareTeam>('CareTeam', { patient: clientId, status: 'active' }),
      clientId,
    );
    return teams.filter((t) => t.status === 'active' && t.id).map((t) => `CareTeam/${t.id ?? ''}`);
  }

  async readConsents(clientId: string): Promise<Consent[]> {
    return assertAllAboutClient(await this.fhir.search<Consent>('Consent', { patient: clientId }), clientId);
  }

  async readTaskContext(request: TaskContextRequest): Promise<TaskContextRead> {
    const log = new ReadLog();
    const reads = request.reads;
    const patientId = request.clientId;
    const patient = log.use(
      assertAboutClient(await this.fhir.read<Patient>('Patient', patientId), patientId),
    );
    const byPatient = { patient: patientId };
    // Every resource is checked against the client before use (EHR_SUBJECT_MISMATCH otherwise).
    const own = <T extends Resource>(pending: Promise<T[]>): Promise<T[]> =>
      pending.then((found) => assertAllAboutClient(found, patientId));
    const wantsEncounter = reads.encounter === true && Boolean(request.encounterId);
    // Prior notes exclude the session's own note, so the session's Encounter is read for them too.
    const needsEncounter =
      Boolean(request.encounterId) && (reads.encounter === true || reads.priorNotes !== undefined);
    const notesSince = priorNotesSince(reads.priorNotes, this.options.now?.() ?? new Date());

    const sessionRead =
      needsEncounter && request.encounterId
        ? this.fhir
            .read<Encounter>('Encounter', request.encounterId)
            .then((e) => assertAboutClient(e, patientId))
        : Promise.resolve(undefined);
    const [related, careTeam, encounter, notes, goals, assessments, diagnoses, messages] = await Promise.all([
      reads.identityHints
        ? own(this.fhir.search<RelatedPerson>('RelatedPerson', byPatient))
        : none<RelatedPerson>(),
      reads.identityHints ? this.readCareTeam(patientId, log) : Promise.resolve([]),
      sessionRead,
      reads.priorNotes
        ? own(
            this.fhir.search<DocumentReference>('DocumentReference', priorNotesSearch(patientId, notesSince)),
          )
        : none<DocumentReference>(),
      reads.goals ? this.readGoals(patientId, log) : Promise.resolve([]),
      reads.assessments
        ? this.readAssessments(
            patientId,
            reads.assessments.withinDays,
            // A failed session read fails the whole read through its own promise; here it only
            // must not be left unhandled while the score searches run.
            sessionRead.then(
              (e) => e?.period?.start,
              () => undefined,
            ),
            request.subjectRef,
            log,
          )
        : Promise.resolve([]),
      reads.diagnoses ? own(this.fhir.search<Condition>('Condition', byPatient)) : none<Condition>(),
      reads.messages
        ? own(this.fhir.search<Communication>('Communication', byPatient))
        : none<Communication>(),
    ]);
    const intakeAnswers = reads.intakeAnswers ? await this.readIntake(patientId, log) : [];

    const activeDiagnoses: ContextDiagnosis[] = [];
    for (const condition of diagnoses.filter(isActiveCondition)) {
      const coding = condition.code?.coding?.find((c) => c.system === ICD10CM && c.code);
      if (!coding?.code) continue;
      log.use(condition);
      activeDiagnoses.push({ code: coding.code, display: coding.display ?? condition.code?.text ?? '' });
    }

    // Psychotherapy notes and SUD counseling notes never go to a model, whatever else holds.
    const excluded: ExcludedResource[] = [];
    const usable = notes.filter((doc) => {
      const reason = excludedFromModel(doc);
      if (reason) excluded.push({ ref: versionedRef(doc), reason });
      return reason === null;
    });
    const priorNotes = reads.priorNotes
      ? latestSignedNotes(usable, reads.priorNotes.max, encounter, notesSince)
          .map((doc) => {
            const note = mapNote(doc);
            if (note) log.use(doc);
            return note;
          })
          .filter((n) => n !== undefined)
      : [];

    const fromClient: ContextMessage[] = messages
      .filter((m) => m.sender?.reference === `Patient/${patientId}` && m.status !== 'entered-in-error')
      .sort(byNewest((m) => m.sent))
      .slice(0, reads.messages?.max ?? 0)
      .map((m) => {
        log.use(m);
        const text = (m.payload ?? [])
          .map((p) => p.contentString ?? '')
          .filter((t) => t !== '')
          .join('\n');
        return { id: m.id ?? '', sentAt: m.sent ?? '', text };
      });

    const context: TaskContext = {
      client: mapClient(patient),
      relatedPersons: related.filter((r) => r.active !== false).map((r) => mapRelatedPerson(log.use(r))),
      careTeam,
      encounter: wantsEncounter && encounter ? mapEncounter(log.use(encounter)) : null,
      sessionNotes: null,
      priorNotes,
      goals,
      assessments,
      diagnoses: activeDiagnoses,
      messages: fromClient,
      intakeAnswers,
    };
    // Part 2 is decided on what the context is built from (labels, SUD codes, the source program).
    const part2 = classifyPart2(log.resources, { part2Programs: this.options.part2Programs ?? [] });
    if (part2.part2) log.labels.add(PART2_LABEL);
    return {
      context,
      securityLabels: [...log.labels].sort(),
      sourceRefs: [...log.refs],
      part2,
      excluded,
    };
  }

  private async readCareTeam(patientId: string, log: ReadLog): Promise<ContextCareTeamMember[]> {
    const teams = assertAllAboutClient(
      await this.fhir.search<CareTeam>('CareTeam', { patient: patientId }),
      patientId,
    ).filter((t) => t.status === 'active');
    const members: { id: string; role: string }[] = [];
    for (const team of teams) {
      log.use(team);
      for (const participant of team.participant ?? []) {
        const [type, id] = (participant.member?.reference ?? '').split('/');
        if (type !== 'Practitioner' || !id || members.some((m) => m.id === id)) continue;
        const role = participant.role?.[0];
        members.push({ id, role: role?.text ?? role?.coding?.[0]?.display ?? 'clinician' });
      }
    }
    const practitioners = await Promise.all(
      members.map((m) => this.fhir.read<Practitioner>('Practitioner', m.id)),
    );
    return practitioners.map((p, index) => {
      log.use(p);
      const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
      return {
        givenNames: name?.given ?? [],
        familyName: name?.family ?? '',
        role: members[index]?.role ?? 'clinician',
      };
    });
  }

  /**
   * The client's latest intake form: the newest completed QuestionnaireResponse that is more
   * than an outcome measure (score forms are read as assessments), as question/answer pairs.
   */
  private async readIntake(patientId: string, log: ReadLog): Promise<TaskContext['intakeAnswers']> {
    const responses = assertAllAboutClient(
      await this.fhir.search<QuestionnaireResponse>('QuestionnaireResponse', { patient: patientId }),
      patientId,
    );
    const intake = responses
      .filter((r) => r.status === 'completed' || r.status === 'amended')
      .filter((r) => questionnaireKinds(r).intake)
      .sort(byNewest((r) => r.authored))[0];
    if (!intake) return [];
    log.use(intake);
    return intakeItems(intake.item ?? []);
  }

  private async readGoals(patientId: string, log: ReadLog): Promise<ContextGoal[]> {
    const plans = assertAllAboutClient(
      await this.fhir.search<CarePlan>('CarePlan', { patient: patientId }),
      patientId,
    ).filter((p) => p.status === 'active');
    const goalIds = new Set<string>();
    for (const plan of plans) {
      log.use(plan);
      for (const ref of plan.goal ?? []) {
        const [type, id] = (ref.reference ?? '').split('/');
        if (type === 'Goal' && id) goalIds.add(id);
      }
    }
    const goals = assertAllAboutClient(
      await Promise.all([...goalIds].map((id) => this.fhir.read<Goal>('Goal', id))),
      patientId,
    );
    return goals
      .filter((g) => g.lifecycleStatus === 'active')
      .map((g) => {
        log.use(g);
        return {
          id: g.id ?? '',
          description: g.description.text ?? g.description.coding?.[0]?.display ?? '',
          status: g.lifecycleStatus,
          targetDate: g.target?.find((t) => t.dueDate)?.dueDate ?? null,
        };
      });
  }

  /**
   * Every administration of the outcome measures and screeners (PHQ-9, PHQ-2, GAD-7, C-SSRS) in
   * the use case's window, newest first, scored by the clinical package from what clinicians
   * record: total and items by LOINC, from the QuestionnaireResponse and the total Observation (a
   * total code is never an item; a missing total is computed from the items). The total
   * Observation and the form it derives from are one administration: one entry per instrument
   * and day. The window ends at the session (a note's encounter) or else at the newest score, so
   * a client's year of scores is read however long ago the last one was. Forms that cannot be
   * scored (an answer out of range) are left out. The administration the task is about (its
   * changed resource) is marked `subject`.
   */
  private async readAssessments(
    patientId: string,
    withinDays: number,
    sessionStart: Promise<string | undefined>,
    subjectRef: string | undefined,
    log: ReadLog,
  ): Promise<TaskContext['assessments']> {
    const [observations, responses] = await Promise.all([
      this.fhir.search<Observation>('Observation', {
        patient: patientId,
        code: SUMMED_INSTRUMENTS.map((i) => `${LOINC}|${i.total}`).join(','),
      }),
      this.fhir.search<QuestionnaireResponse>('QuestionnaireResponse', { patient: patientId }),
    ]).then(([o, r]) => [assertAllAboutClient(o, patientId), assertAllAboutClient(r, patientId)] as const);
    const scored: { score: InstrumentScore; resource: Observation | QuestionnaireResponse }[] = [];
    const attempt = (resource: Observation | QuestionnaireResponse, score: () => InstrumentScore[]): void => {
      try {
        for (const s of score()) scored.push({ score: s, resource });
      } catch (err) {
        if (!(err instanceof CareRelayError)) throw err;
      }
    };
    for (const o of observations)
      if (o.status === 'final' || o.status === 'amended' || o.status === 'corrected')
        attempt(o, () => [scoreObservation(o)]);
    for (const r of responses)
      if (r.status === 'completed' || r.status === 'amended')
        attempt(r, () => scoreQuestionnaireResponses(r));
    const endsAt = await sessionStart;

    const dated = scored.filter((s) => Number.isFinite(Date.parse(s.score.date)));
    const newest = Math.max(...dated.map((s) => Date.parse(s.score.date)));
    const end = endsAt && Number.isFinite(Date.parse(endsAt)) ? Date.parse(endsAt) : newest;
    if (!Number.isFinite(end)) return [];
    // Whole days: a form completed on the session's day counts whatever the hour.
    const endDay = new Date(end).toISOString().slice(0, 10);
    const startDay = new Date(end - withinDays * DAY_MS).toISOString().slice(0, 10);
    const inWindow = dated.filter((s) => {
      const day = s.score.date.slice(0, 10);
      return day >= startDay && day <= endDay;
    });

    const administrations = new Map<string, typeof inWindow>();
    for (const s of inWindow) {
      const key = `${s.score.instrument}|${s.score.date.slice(0, 10)}`;
      administrations.set(key, [...(administrations.get(key) ?? []), s]);
    }
    const result: TaskContext['assessments'][number][] = [];
    for (const [key, sameDay] of administrations) {
      const [instrument = '', day = ''] = key.split('|');
      const recorded = sameDay.find((s) => s.score.totalSource === 'recorded' && s.score.total !== null);
      const items: Record<string, number> = {};
      for (const s of sameDay) Object.assign(items, s.score.items);
      for (const s of sameDay) log.use(s.resource);
      result.push({
        instrument,
        loinc: sameDay[0]?.score.loinc ?? null,
        date: day,
        total: recorded?.score.total ?? sameDay.find((s) => s.score.total !== null)?.score.total ?? null,
        items,
        subject: subjectRef !== undefined && sameDay.some((s) => unversionedRef(s.resource) === subjectRef),
      });
    }
    // Newest first; on one day, instruments in a fixed order so the context is stable.
    const order = (i: string): number => INSTRUMENT_ORDER.indexOf(i);
    return result.sort((a, b) =>
      a.date !== b.date ? (a.date < b.date ? 1 : -1) : order(a.instrument) - order(b.instrument),
    );
  }
}

const DAY_MS = 86_400_000;
const INSTRUMENT_ORDER = ['PHQ-9', 'PHQ-2', 'GAD-7', 'C-SSRS'];
const unversionedRef = (r: Resource): string => `${r.resourceType}/${r.id ?? ''}`;
