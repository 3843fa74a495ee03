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
import type { FhirClient } from './fhir-client.js';
import {
  ICD10CM,
  INSTRUMENTS,
  isSudDiagnosis,
  latestSignedNotes,
  LOINC,
  mapAssessment,
  mapClient,
  mapEncounter,
  mapNote,
  mapRelatedPerson,
  PROGRESS_NOTE_LOINC,
  securityCodes,
  versionedRef,
} from './fhir-mapping.js';
import { assertAboutClient, assertAllAboutClient } from './subject-check.js';

export interface TaskContextRequest {
  readonly clientId: string;
  readonly encounterId?: string | null;
}

export interface TaskContextRead {
  readonly context: TaskContext;
  /** Sensitivity labels on the data read (42CFRPart2, ETH, PSY, R). */
  readonly securityLabels: string[];
  /** `Type/id/_history/vid` of every resource the context was built from, for provenance. */
  readonly sourceRefs: string[];
}

/** What the connector needs from an EHR, whatever speaks to it (FHIR today, webhooks/polling later). */
/** What the adapter reads through: the EHR's FHIR API, or a Bundle (`BundleFhirReader`). */
export type FhirReader = Pick<FhirClient, 'read' | 'search'>;

export interface EhrAdapter {
  readTaskContext(request: TaskContextRequest): Promise<TaskContextRead>;
  /** Whether a practitioner is on the client's active care team (the access check's relationship test). */
  isOnCareTeam(clientId: string, practitionerId: string): Promise<boolean>;
}

export interface FhirAdapterOptions {
  /** Minimum necessary: the last 3 signed notes by default. */
  readonly priorNoteLimit?: number;
  /** Most recent client messages to include (default 5). */
  readonly messageLimit?: number;
}

/** Collects the provenance refs and security labels of what the context is built from. */
class ReadLog {
  readonly refs = new Set<string>();
  readonly labels = new Set<string>();

  use<T extends Resource>(resource: T): T {
    this.refs.add(versionedRef(resource));
    for (const code of securityCodes(resource)) this.labels.add(code);
    return resource;
  }
}

function byNewest<T>(date: (r: T) => string | undefined): (a: T, b: T) => number {
  return (a, b) => (Date.parse(date(b) ?? '') || 0) - (Date.parse(date(a) ?? '') || 0);
}

function isActiveCondition(condition: Condition): boolean {
  return (
    condition.clinicalStatus?.coding?.some(
      (c) => c.code === 'active' || c.code === 'recurrence' || c.code === 'relapse',
    ) ?? false
  );
}

/** The FHIR R4 adapter: builds the minimum-necessary TaskContext per DOMAIN.md's FHIR mapping. */
export class FhirAdapter implements EhrAdapter {
  constructor(
    private readonly fhir: FhirReader,
    private readonly options: FhirAdapterOptions = {},
  ) {}

  async isOnCareTeam(clientId: string, practitionerId: string): Promise<boolean> {
    const teams = assertAllAboutClient(
      await this.fhir.search<CareTeam>('CareTeam', { patient: clientId, status: 'active' }),
      clientId,
    );
    const member = `Practitioner/${practitionerId}`;
    return teams.some((team) => (team.participant ?? []).some((p) => p.member?.reference === member));
  }

  async readTaskContext(request: TaskContextRequest): Promise<TaskContextRead> {
    const log = new ReadLog();
    const patientId = request.clientId;
    const patient = log.use(
      assertAboutClient(await this.fhir.read<Patient>('Patient', patientId), patientId),
    );
    const byPatient = { patient: patientId };
    // Every resource is checked against the client before use (EHR_SUBJECT_MISMATCH otherwise).
    const own = <T extends Resource>(pending: Promise<T[]>): Promise<T[]> =>
      pending.then((found) => assertAllAboutClient(found, patientId));

    const [related, careTeam, encounter, notes, goals, assessments, diagnoses, messages] = await Promise.all([
      own(this.fhir.search<RelatedPerson>('RelatedPerson', byPatient)),
      this.readCareTeam(patientId, log),
      request.encounterId
        ? this.fhir
            .read<Encounter>('Encounter', request.encounterId)
            .then((e) => assertAboutClient(e, patientId))
        : Promise.resolve(undefined),
      own(
        this.fhir.search<DocumentReference>('DocumentReference', {
          ...byPatient,
          type: PROGRESS_NOTE_LOINC.map((code) => `${LOINC}|${code}`).join(','),
        }),
      ),
      this.readGoals(patientId, log),
      this.readAssessments(patientId, log),
      own(this.fhir.search<Condition>('Condition', byPatient)),
      own(this.fhir.search<Communication>('Communication', byPatient)),
    ]);

    const activeDiagnoses: ContextDiagnosis[] = [];
    for (const condition of diagnoses.filter(isActiveCondition)) {
      const coding = condition.code?.coding?.find((c) => c.system === ICD10CM && c.code);
      if (!coding?.code) continue;
      log.use(condition);
      // 42 CFR Part 2: F10–F19 marks the record SUD-related even when the EHR did not label it.
      if (isSudDiagnosis(coding.code)) log.labels.add('42CFRPart2');
      activeDiagnoses.push({ code: coding.code, display: coding.display ?? condition.code?.text ?? '' });
    }

    const priorNotes = latestSignedNotes(notes, this.options.priorNoteLimit ?? 3, encounter)
      .map((doc) => {
        const note = mapNote(doc);
        if (note) log.use(doc);
        return note;
      })
      .filter((n) => n !== undefined);

    const fromClient: ContextMessage[] = messages
      .filter((m) => m.sender?.reference === `Patient/${patientId}` && m.status !== 'entered-in-error')
      .sort(byNewest((m) => m.sent))
      .slice(0, this.options.messageLimit ?? 5)
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
      encounter: encounter ? mapEncounter(log.use(encounter)) : null,
      sessionNotes: null,
      priorNotes,
      goals,
      assessments,
      diagnoses: activeDiagnoses,
      messages: fromClient,
      intakeAnswers: [],
    };
    return { context, securityLabels: [...log.labels].sort(), sourceRefs: [...log.refs] };
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

  private async readAssessments(patientId: string, log: ReadLog): Promise<TaskContext['assessments']> {
    const [observations, responses] = await Promise.all([
      this.fhir.search<Observation>('Observation', {
        patient: patientId,
        code: INSTRUMENTS.map((i) => `${LOINC}|${i.total}`).join(','),
      }),
      this.fhir.search<QuestionnaireResponse>('QuestionnaireResponse', { patient: patientId }),
    ]).then(([o, r]) => [assertAllAboutClient(o, patientId), assertAllAboutClient(r, patientId)] as const);
    const result: TaskContext['assessments'][number][] = [];
    for (const def of INSTRUMENTS) {
      const observation = observations
        .filter((o) => o.status === 'final' || o.status === 'amended' || o.status === 'corrected')
        .filter((o) => o.code.coding?.some((c) => c.system === LOINC && c.code === def.total))
        .sort(byNewest((o) => o.effectiveDateTime ?? o.issued))[0];
      const derivedFrom = observation?.derivedFrom?.map((r) => r.reference ?? '') ?? [];
      const forPanel = responses.filter(
        (r) => r.status === 'completed' && (r.questionnaire ?? '').includes(def.panel),
      );
      const response =
        forPanel.find((r) => derivedFrom.includes(`QuestionnaireResponse/${r.id ?? ''}`)) ??
        (observation ? undefined : forPanel.sort(byNewest((r) => r.authored))[0]);
      const assessment = mapAssessment(def, observation, response);
      if (!assessment) continue;
      if (observation) log.use(observation);
      if (response) log.use(response);
      result.push(assessment);
    }
    return result;
  }
}
