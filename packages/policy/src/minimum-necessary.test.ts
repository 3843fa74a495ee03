import { describe, expect, it } from 'vitest';
import type { TaskContext } from '@carerelay/events';
import { applyMinimumNecessary } from './minimum-necessary.js';

const full: TaskContext = {
  client: {
    id: 'p1',
    givenNames: ['Ana'],
    familyName: 'Reyes',
    preferredName: null,
    birthDate: null,
    gender: null,
    pronouns: null,
    mrn: null,
    phones: [],
    emails: [],
    address: null,
  },
  relatedPersons: [],
  careTeam: [],
  encounter: {
    id: 'e1',
    start: '2026-03-02T10:00:00Z',
    end: '2026-03-02T10:53:00Z',
    serviceType: 'individual',
    telehealth: false,
    clientPresent: true,
    withMedicalEvaluation: false,
  },
  sessionNotes: 'discussed sleep',
  priorNotes: [1, 2, 3, 4].map((i) => ({ id: `n${i}`, date: '2026-02-01', text: `note ${i}` })),
  goals: [{ id: 'g1', description: 'sleep 7h', status: 'active', targetDate: null }],
  assessments: [
    { instrument: 'PHQ-9', loinc: '44261-6', date: '2026-03-02', total: 12, items: {}, subject: false },
  ],
  diagnoses: [{ code: 'F41.1', display: 'GAD' }],
  messages: [{ id: 'm1', sentAt: '2026-03-01T08:00:00Z', text: 'can we move my appt' }],
  intakeAnswers: [{ question: 'Why now?', answer: 'panic at work', linkId: null, code: null }],
};

describe('minimum necessary', () => {
  it('coding (payment) keeps times and codes, and no narrative at all', () => {
    const ctx = applyMinimumNecessary(full, 'coding');
    expect(ctx.encounter?.id).toBe('e1');
    expect(ctx.diagnoses).toHaveLength(1);
    expect(ctx.sessionNotes).toBeNull();
    expect([ctx.priorNotes, ctx.messages, ctx.intakeAnswers, ctx.goals]).toEqual([[], [], [], []]);
  });

  it('message triage (phase 1, non-clinical) reads the messages alone', () => {
    const ctx = applyMinimumNecessary(full, 'message_triage');
    expect([ctx.assessments, ctx.diagnoses, ctx.goals]).toEqual([[], [], []]);
    expect(ctx.messages).toHaveLength(1);
    expect(ctx.encounter).toBeNull();
    expect(ctx.sessionNotes).toBeNull();
    expect(ctx.priorNotes).toEqual([]);
    expect(ctx.intakeAnswers).toEqual([]);
  });

  it('a progress note reads at most the last three notes, and no messages or intake answers', () => {
    const ctx = applyMinimumNecessary(full, 'soap_note');
    expect(ctx.priorNotes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(ctx.messages).toEqual([]);
    expect(ctx.intakeAnswers).toEqual([]);
    expect(ctx.sessionNotes).toBe('discussed sleep');
  });

  it('a chart summary keeps the notes of the last 365 days before the read, newest first', () => {
    const dated = ['2026-03-01', '2025-03-02', '2025-03-01', '2024-12-01'].map((date, i) => ({
      id: `d${i}`,
      date,
      text: `note of ${date}`,
    }));
    const ctx = applyMinimumNecessary(
      { ...full, priorNotes: dated },
      'chart_summary',
      new Date('2026-03-02T09:00:00Z'),
    );
    expect(ctx.priorNotes.map((n) => n.date)).toEqual(['2026-03-01', '2025-03-02']);
  });

  it('intake extraction reads only the intake answers', () => {
    const ctx = applyMinimumNecessary(full, 'intake_extraction');
    expect(ctx.intakeAnswers).toHaveLength(1);
    expect([ctx.encounter, ctx.sessionNotes]).toEqual([null, null]);
    expect([ctx.priorNotes, ctx.goals, ctx.assessments, ctx.diagnoses, ctx.messages]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
  });
});
