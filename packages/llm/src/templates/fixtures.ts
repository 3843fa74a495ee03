import type { DeidentifiedContext } from '@carerelay/events';

/** Test contexts (de-identified, synthetic). Not exported from the package. */
export const EMPTY_CONTEXT: DeidentifiedContext = {
  client: { ref: '[CLIENT]', age: null, gender: null, pronouns: null },
  people: [],
  encounter: null,
  sessionNotes: null,
  priorNotes: [],
  goals: [],
  assessments: [],
  diagnoses: [],
  messages: [],
  intakeAnswers: [],
};

export const FULL_CONTEXT: DeidentifiedContext = {
  client: { ref: '[CLIENT]', age: '34', gender: 'female', pronouns: 'she/her' },
  people: [
    { ref: '[PERSON_1]', role: 'mother' },
    { ref: '[CLINICIAN_1]', role: 'therapist' },
  ],
  encounter: {
    date: '[DATE_1]',
    durationMinutes: 53,
    serviceType: 'individual',
    telehealth: true,
    clientPresent: true,
    withMedicalEvaluation: false,
  },
  sessionNotes:
    '[CLIENT] reported panic attacks twice this week after calls with [PERSON_1]. Practiced paced breathing.',
  priorNotes: [
    { date: '[DATE_2]', text: 'Reviewed sleep log; homework: thought record.' },
    { date: '[DATE_3]', text: 'Intake completed with [CLINICIAN_1].' },
  ],
  goals: [
    {
      ref: 'G1',
      description: 'Reduce panic attacks to fewer than one per week',
      status: 'active',
      targetDate: '[DATE_4]',
    },
    {
      ref: 'G2',
      description: 'Return to work at [ORGANIZATION_1] part time',
      status: 'active',
      targetDate: null,
    },
  ],
  assessments: [
    { instrument: 'PHQ-9', loinc: '44261-6', date: '[DATE_1]', total: 12, items: { '9': 1 }, subject: false },
    { instrument: 'GAD-7', loinc: '70274-6', date: '[DATE_1]', total: 16, items: {}, subject: false },
  ],
  diagnoses: [
    { code: 'F41.0', display: 'Panic disorder' },
    { code: 'F33.1', display: 'Major depressive disorder, recurrent, moderate' },
  ],
  messages: [{ sentAt: '[DATE_5]', text: 'Can I move my appointment to next week?' }],
  intakeAnswers: [
    {
      question: 'What brings you in today?',
      answer: 'I keep having panic attacks at work.',
      linkId: 'reason',
      code: null,
    },
    {
      question: 'How often do you drink alcohol?',
      answer: 'A glass of wine on weekends.',
      linkId: 'alcohol',
      code: null,
    },
    {
      question: 'What would you like to be different?',
      answer: 'I want to feel calm enough to drive again.',
      linkId: 'goals',
      code: null,
    },
  ],
};
