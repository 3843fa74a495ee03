import type { DocumentReference } from '@medplum/fhirtypes';
import { part2Meta, SANDBOX_CLIENTS, type SANDBOX_PRACTITIONERS, type SandboxClientKey } from './ids.js';
import { patientRef, practitionerRef } from './people.js';

interface NoteSeed {
  client: SandboxClientKey;
  id: string;
  encounterId: string;
  author: keyof typeof SANDBOX_PRACTITIONERS;
  start: string;
  end: string;
  title: string;
  text: string;
}

const { avery, jordan, riley } = SANDBOX_CLIENTS;

/** Prior signed progress notes, written as a clinician would (synthetic people, plausible content). */
const NOTES: NoteSeed[] = [
  {
    client: 'avery',
    id: avery.noteIds[0],
    encounterId: avery.encounterIds.intake,
    author: 'therapist',
    start: '2025-09-02T10:00:00-04:00',
    end: '2025-09-02T10:58:00-04:00',
    title: 'Intake assessment',
    text: 'S: Avery Lindqvist, 37, self-referred for low mood, poor sleep and withdrawal from friends over 3 months after a job change. Prior depressive episode in 2019 treated with sertraline. Denies SI, plan or intent.\nO: Alert, oriented, psychomotor slowing, constricted affect. PHQ-9 19.\nA: F33.1 major depressive disorder, recurrent, moderate.\nP: Weekly CBT with behavioral activation; psychiatry referral for medication review; PHQ-9 every two weeks.',
  },
  {
    client: 'avery',
    id: avery.noteIds[1],
    encounterId: avery.encounterIds.session53,
    author: 'therapist',
    start: '2025-09-16T14:00:00-04:00',
    end: '2025-09-16T14:53:00-04:00',
    title: 'Individual psychotherapy',
    text: 'S: Avery reports walking twice this week and one dinner with a friend. Sleep improved to 6 hours. Still ruminating about work performance. Denies SI.\nO: Brighter affect, engaged. PHQ-9 14, GAD-7 8. Session 14:00-14:53 (53 minutes).\nA: Early response to behavioral activation; moderate depressive symptoms persist.\nP: Continue weekly CBT; add thought record for work-related rumination; next session 09/30.',
  },
  {
    client: 'jordan',
    id: jordan.noteIds[0],
    encounterId: jordan.encounterIds.intake,
    author: 'therapist',
    start: '2025-09-04T09:00:00-04:00',
    end: '2025-09-04T09:55:00-04:00',
    title: 'Intake assessment',
    text: 'S: Jordan Okafor-Reyes, 29, reports constant worry about work deadlines and family finances, muscle tension and trouble falling asleep for over a year.\nO: Restless, rapid speech, cooperative. GAD-7 17.\nA: F41.1 generalized anxiety disorder; Z56.6 work-related strain.\nP: Weekly CBT for worry; psychoeducation on the worry cycle; GAD-7 every two weeks.',
  },
  {
    client: 'jordan',
    id: jordan.noteIds[1],
    encounterId: jordan.encounterIds.followUp,
    author: 'therapist',
    start: '2025-09-18T10:00:00-04:00',
    end: '2025-09-18T10:45:00-04:00',
    title: 'Individual psychotherapy',
    text: 'S: Jordan practiced scheduled worry time on 4 of 7 days. Reports low mood after a conflict with a manager.\nO: Tearful at times. GAD-7 15, PHQ-9 11 with item 9 endorsed as several days; on inquiry reports passive thoughts, denies plan or intent.\nA: GAD with emerging depressive symptoms; passive SI, low acute risk.\nP: Safety plan completed and copy given; continue weekly CBT; re-screen PHQ-9 next session.',
  },
  {
    client: 'riley',
    id: riley.noteIds[0],
    encounterId: riley.encounterIds.intake,
    author: 'counselor',
    start: '2025-09-03T15:00:00-04:00',
    end: '2025-09-03T16:00:00-04:00',
    title: 'SUD intake assessment',
    text: 'S: Riley Castellano, 46, seeking help to stop drinking; 6-8 drinks daily for 2 years, morning shakes, one DUI in 2024. Last drink 2 days ago. Low mood since separation.\nO: Mild tremor, no withdrawal complications today. AUDIT 27. PHQ-9 12.\nA: F10.20 alcohol use disorder, severe; F32.0 depressive episode, mild.\nP: Weekly individual SUD counseling; medical referral for naltrexone evaluation; mutual-support meetings; signed 42 CFR Part 2 consent for the treatment team.',
  },
  {
    client: 'riley',
    id: riley.noteIds[1],
    encounterId: riley.encounterIds.followUp,
    author: 'counselor',
    start: '2025-09-17T16:00:00-04:00',
    end: '2025-09-17T16:47:00-04:00',
    title: 'SUD counseling session',
    text: 'S: Riley reports 16 days abstinent, attending meetings twice weekly. Cravings strongest on Saturday evenings.\nO: Calm, good eye contact. PHQ-9 8, GAD-7 6.\nA: Early remission in progress; depressive symptoms improving.\nP: Build weekend plan with sibling support; continue weekly counseling; review relapse-prevention plan next session.',
  },
];

export function progressNotes(): DocumentReference[] {
  return NOTES.map((n) => ({
    resourceType: 'DocumentReference',
    id: n.id,
    ...(n.client === 'riley' ? { meta: part2Meta() } : {}),
    status: 'current',
    docStatus: 'final',
    type: {
      coding: [{ system: 'http://loinc.org', code: '34904-3', display: 'Mental health Progress note' }],
      text: n.title,
    },
    category: [
      {
        coding: [
          {
            system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
            code: 'clinical-note',
          },
        ],
      },
    ],
    subject: patientRef(n.client),
    date: n.end,
    author: [practitionerRef(n.author)],
    authenticator: practitionerRef(n.author),
    description: n.title,
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'en-US',
          title: n.title,
          creation: n.end,
          data: Buffer.from(n.text, 'utf8').toString('base64'),
        },
      },
    ],
    context: {
      encounter: [{ reference: `Encounter/${n.encounterId}` }],
      period: { start: n.start, end: n.end },
    },
  }));
}
