import type { TaskContext } from '@carerelay/events';

/**
 * A synthetic client (no real person) with the hard cases of DOMAIN.md: names
 * that are words (Grace, Will, Baker, Stone), a preferred name, a possessive,
 * initials, an employer, a school, a street, phone, email, MRN and DOB.
 * Shared by unit tests, the deidentifier's integration test and the CLI.
 */
export function fixtureTaskContext(): TaskContext {
  return {
    client: {
      id: 'pt-4471',
      givenNames: ['Dana', 'Marie'],
      familyName: 'Okonkwo',
      preferredName: 'Dani',
      birthDate: '1984-07-22',
      gender: 'female',
      pronouns: 'she/her',
      mrn: 'MRN-448812',
      phones: ['(503) 555-0142'],
      emails: ['dani.okonkwo@example.com'],
      address: {
        lines: ['1427 Larkspur Lane'],
        city: 'Portland',
        county: 'Multnomah',
        state: 'OR',
        postalCode: '97214',
      },
    },
    relatedPersons: [
      { givenNames: ['Grace'], familyName: 'Okonkwo', relationship: 'mother', phones: ['503-555-0199'] },
      { givenNames: ['Will'], familyName: 'Baker', relationship: 'husband', phones: [] },
    ],
    careTeam: [
      { givenNames: ['Priya'], familyName: 'Raman', role: 'therapist' },
      { givenNames: ['Thomas'], familyName: 'Stone', role: 'psychiatrist' },
    ],
    encounter: {
      id: 'enc-9001',
      start: '2026-03-02T15:00:00Z',
      end: '2026-03-02T15:53:00Z',
      serviceType: 'individual',
      telehealth: false,
      clientPresent: true,
      withMedicalEvaluation: false,
    },
    sessionNotes:
      'Dani reported she argued with Will about money on Saturday; her mother Grace called twice. ' +
      'She works at Riverside Bakery on Hawthorne Blvd and her son attends Sunnyside Elementary. ' +
      'Sleep improved to 6h. Denies SI, no plan or intent. She will try the breathing exercise. ' +
      'Call back at 503-555-0142 if needed. Next session 3/16/2026.',
    priorNotes: [
      {
        id: 'doc-1',
        date: '2026-02-23',
        text: "Ms. Okonkwo's PHQ-9 was 14. Dr. Stone adjusted sertraline on 2/20. DMO reports panic at work, hope to return to choir at St. Mark's.",
      },
    ],
    goals: [
      {
        id: 'goal-1',
        description: 'Dani will use grounding skills 3x/week',
        status: 'active',
        targetDate: '2026-06-01',
      },
    ],
    assessments: [
      { instrument: 'PHQ-9', loinc: '44261-6', date: '2026-03-02', total: 11, items: { '9': 0 }, subject: false },
    ],
    diagnoses: [{ code: 'F41.1', display: 'Generalized anxiety disorder' }],
    messages: [],
    intakeAnswers: [],
  };
}

/** Identifiers of the fixture that must never appear outside the PHI zone (case-insensitive). */
export const FIXTURE_IDENTIFIERS = [
  'Dana',
  'Dani',
  'Okonkwo',
  'Baker',
  'Priya',
  'Raman',
  'Thomas',
  'Larkspur',
  '97214',
  '555-0142',
  '5550142',
  '555-0199',
  'example.com',
  'MRN-448812',
  '448812',
  '1984-07-22',
  'Riverside Bakery',
  'Hawthorne',
  'Sunnyside',
  'pt-4471',
];
/** Names that are also words: must not appear capitalized as names. */
export const FIXTURE_WORD_NAMES = ['Grace', 'Will', 'Stone'];
