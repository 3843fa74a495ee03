import type { CarePlan, Communication, Condition, Consent, Encounter, Goal } from '@medplum/fhirtypes';
import { part2Meta, SANDBOX_CLIENTS, type SANDBOX_PRACTITIONERS, type SandboxClientKey } from './ids.js';
import { patientRef, practitionerRef } from './people.js';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const CPT = 'http://www.ama-assn.org/go/cpt';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

interface EncounterSeed {
  client: SandboxClientKey;
  id: string;
  cpt: string;
  display: string;
  start: string;
  end?: string;
  clinician: keyof typeof SANDBOX_PRACTITIONERS;
}

const { avery, jordan, riley } = SANDBOX_CLIENTS;

const ENCOUNTERS: EncounterSeed[] = [
  {
    client: 'avery',
    id: avery.encounterIds.intake,
    cpt: '90791',
    display: 'Psychiatric diagnostic evaluation',
    start: '2025-09-02T10:00:00-04:00',
    end: '2025-09-02T10:58:00-04:00',
    clinician: 'therapist',
  },
  {
    client: 'avery',
    id: avery.encounterIds.session53,
    cpt: '90837',
    display: 'Psychotherapy, 60 minutes',
    start: '2025-09-16T14:00:00-04:00',
    end: '2025-09-16T14:53:00-04:00',
    clinician: 'therapist',
  },
  {
    client: 'avery',
    id: avery.encounterIds.open,
    cpt: '90837',
    display: 'Psychotherapy, 60 minutes',
    start: '2025-09-30T14:00:00-04:00',
    clinician: 'therapist',
  },
  {
    client: 'jordan',
    id: jordan.encounterIds.intake,
    cpt: '90791',
    display: 'Psychiatric diagnostic evaluation',
    start: '2025-09-04T09:00:00-04:00',
    end: '2025-09-04T09:55:00-04:00',
    clinician: 'therapist',
  },
  {
    client: 'jordan',
    id: jordan.encounterIds.followUp,
    cpt: '90834',
    display: 'Psychotherapy, 45 minutes',
    start: '2025-09-18T10:00:00-04:00',
    end: '2025-09-18T10:45:00-04:00',
    clinician: 'therapist',
  },
  {
    client: 'riley',
    id: riley.encounterIds.intake,
    cpt: '90791',
    display: 'Psychiatric diagnostic evaluation',
    start: '2025-09-03T15:00:00-04:00',
    end: '2025-09-03T16:00:00-04:00',
    clinician: 'counselor',
  },
  {
    client: 'riley',
    id: riley.encounterIds.followUp,
    cpt: '90834',
    display: 'Psychotherapy, 45 minutes',
    start: '2025-09-17T16:00:00-04:00',
    end: '2025-09-17T16:47:00-04:00',
    clinician: 'counselor',
  },
];

export function encounters(): Encounter[] {
  return ENCOUNTERS.map((e) => ({
    resourceType: 'Encounter',
    id: e.id,
    // Riley's visits are SUD treatment, so even their metadata is Part 2 information.
    ...(e.client === 'riley' ? { meta: part2Meta() } : {}),
    status: e.end ? 'finished' : 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: CPT, code: e.cpt, display: e.display }], text: e.display }],
    subject: patientRef(e.client),
    participant: [{ individual: practitionerRef(e.clinician) }],
    period: e.end ? { start: e.start, end: e.end } : { start: e.start },
    reasonReference: [{ reference: `Condition/${SANDBOX_CLIENTS[e.client].conditionIds[0]}` }],
  }));
}

const CONDITIONS: {
  client: SandboxClientKey;
  id: string;
  code: string;
  display: string;
  onset: string;
  sud?: boolean;
}[] = [
  {
    client: 'avery',
    id: avery.conditionIds[0],
    code: 'F33.1',
    display: 'Major depressive disorder, recurrent, moderate',
    onset: '2025-09-02',
  },
  {
    client: 'jordan',
    id: jordan.conditionIds[0],
    code: 'F41.1',
    display: 'Generalized anxiety disorder',
    onset: '2025-09-04',
  },
  {
    client: 'jordan',
    id: jordan.conditionIds[1],
    code: 'Z56.6',
    display: 'Other physical and mental strain related to work',
    onset: '2025-09-04',
  },
  {
    client: 'riley',
    id: riley.conditionIds[0],
    code: 'F10.20',
    display: 'Alcohol dependence, uncomplicated',
    onset: '2025-09-03',
    sud: true,
  },
  {
    client: 'riley',
    id: riley.conditionIds[1],
    code: 'F32.0',
    display: 'Major depressive disorder, single episode, mild',
    onset: '2025-09-03',
  },
];

export function conditions(): Condition[] {
  return CONDITIONS.map((c) => ({
    resourceType: 'Condition',
    id: c.id,
    ...(c.sud ? { meta: part2Meta() } : {}),
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
        ],
      },
    ],
    code: { coding: [{ system: ICD10, code: c.code, display: c.display }], text: c.display },
    subject: patientRef(c.client),
    onsetDateTime: c.onset,
    recordedDate: c.onset,
  }));
}

const GOALS: {
  client: SandboxClientKey;
  id: string;
  text: string;
  due: string;
  measure?: { loinc: string; below: number };
}[] = [
  {
    client: 'avery',
    id: avery.goalIds[0],
    text: 'Reduce depressive symptoms to mild range (PHQ-9 below 10)',
    due: '2025-12-15',
    measure: { loinc: '44261-6', below: 10 },
  },
  {
    client: 'avery',
    id: avery.goalIds[1],
    text: 'Schedule and complete three pleasant activities each week',
    due: '2025-11-15',
  },
  {
    client: 'jordan',
    id: jordan.goalIds[0],
    text: 'Reduce worry to moderate-or-lower range (GAD-7 below 10) using CBT skills',
    due: '2025-12-18',
    measure: { loinc: '70274-6', below: 10 },
  },
  {
    client: 'riley',
    id: riley.goalIds[0],
    text: 'Maintain abstinence from alcohol; attend two mutual-support meetings weekly',
    due: '2025-12-17',
  },
];

export function goals(): Goal[] {
  return GOALS.map((g) => ({
    resourceType: 'Goal',
    id: g.id,
    ...(g.client === 'riley' ? { meta: part2Meta() } : {}),
    lifecycleStatus: 'active',
    achievementStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'in-progress' }],
    },
    description: { text: g.text },
    subject: patientRef(g.client),
    startDate: '2025-09-16',
    target: [
      {
        dueDate: g.due,
        ...(g.measure
          ? {
              measure: { coding: [{ system: 'http://loinc.org', code: g.measure.loinc }] },
              detailQuantity: { value: g.measure.below, comparator: '<' as const, unit: '{score}' },
            }
          : {}),
      },
    ],
  }));
}

const PLAN_ACTIVITIES: Record<SandboxClientKey, string[]> = {
  avery: [
    'Weekly individual CBT with behavioral activation',
    'Medication review with psychiatry monthly',
    'PHQ-9 every two weeks',
  ],
  jordan: [
    'Weekly CBT for worry with exposure to uncertainty',
    'Daily worry-time practice',
    'GAD-7 every two weeks',
  ],
  riley: [
    'Weekly individual SUD counseling',
    'Mutual-support meetings twice weekly',
    'Relapse-prevention plan review monthly',
  ],
};

export function carePlans(): CarePlan[] {
  return (Object.keys(SANDBOX_CLIENTS) as SandboxClientKey[]).map((key) => {
    const c = SANDBOX_CLIENTS[key];
    const author = key === 'riley' ? 'counselor' : 'therapist';
    return {
      resourceType: 'CarePlan',
      id: c.carePlanId,
      ...(key === 'riley' ? { meta: part2Meta() } : {}),
      // Active = signed by the clinician, so the sandbox refuses edits to it.
      status: 'active',
      intent: 'plan',
      category: [
        {
          coding: [
            { system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan' },
          ],
        },
      ],
      title: 'Behavioral health treatment plan',
      subject: patientRef(key),
      period: { start: '2025-09-16', end: '2025-12-18' },
      created: '2025-09-16',
      author: practitionerRef(author),
      addresses: c.conditionIds.map((id) => ({ reference: `Condition/${id}` })),
      goal: c.goalIds.map((id) => ({ reference: `Goal/${id}` })),
      activity: PLAN_ACTIVITIES[key].map((text) => ({
        detail: { status: 'in-progress' as const, description: text },
      })),
    };
  });
}

/** Riley's written Part 2 consent: treatment, payment and operations until revoked in writing. */
export function consents(): Consent[] {
  return [
    {
      resourceType: 'Consent',
      id: riley.consentId,
      meta: part2Meta(),
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
      patient: patientRef('riley'),
      dateTime: '2025-09-03T15:05:00-04:00',
      performer: [patientRef('riley')],
      policy: [{ uri: 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2' }],
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }],
      },
      provision: {
        type: 'permit',
        period: { start: '2025-09-03' },
        actor: [
          {
            role: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'IRCP',
                  display: 'information recipient',
                },
              ],
            },
            reference: { reference: `CareTeam/${riley.careTeamId}` },
          },
        ],
        purpose: ['TREAT', 'HPAYMT', 'HOPERAT'].map((code) => ({ system: ACT_REASON, code })),
        securityLabel: part2Meta().security,
      },
    },
  ];
}

const MESSAGES: {
  client: SandboxClientKey;
  id: string;
  to: keyof typeof SANDBOX_PRACTITIONERS;
  sent: string;
  text: string;
}[] = [
  {
    client: 'avery',
    id: avery.communicationIds[0],
    to: 'therapist',
    sent: '2025-09-24T08:12:00-04:00',
    text: 'Hi Dana, something came up at work on the 30th. Could we move my 2pm session later that week? Thanks, Avery',
  },
  {
    client: 'jordan',
    id: jordan.communicationIds[0],
    to: 'therapist',
    sent: '2025-09-25T22:41:00-04:00',
    text: "Honestly this week has been really hard. I haven't been sleeping and some days I don't see the point of any of it. I'm not going to do anything, I just wanted you to know before Thursday.",
  },
  {
    client: 'riley',
    id: riley.communicationIds[0],
    to: 'counselor',
    sent: '2025-09-26T19:03:00-04:00',
    text: 'Checking in: I made it to both meetings this week and I am at 30 days today. Can we talk about weekend cravings next session?',
  },
];

export function communications(): Communication[] {
  return MESSAGES.map((m) => ({
    resourceType: 'Communication',
    id: m.id,
    ...(m.client === 'riley' ? { meta: part2Meta() } : {}),
    status: 'completed',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' },
        ],
        text: 'patient message',
      },
    ],
    medium: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode',
            code: 'WRITTEN',
            display: 'written',
          },
        ],
      },
    ],
    subject: patientRef(m.client),
    sender: patientRef(m.client),
    recipient: [practitionerRef(m.to)],
    sent: m.sent,
    payload: [{ contentString: m.text }],
  }));
}
