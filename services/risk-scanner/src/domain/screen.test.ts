import { describe, expect, it } from 'vitest';
import type { DeidentifiedAssessment, DeidentifiedContext } from '@carerelay/events';
import { screenContext } from './screen.js';

const empty: DeidentifiedContext = {
  client: { ref: '[CLIENT]', age: '34', gender: null, pronouns: null },
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

const phq9 = (total: number, item9: number, subject = false, date = '[DATE_1]'): DeidentifiedAssessment => ({
  instrument: 'PHQ-9',
  loinc: '44261-6',
  date,
  total,
  items: { '44260-8': item9 },
  subject,
});

const triggers = (context: Partial<DeidentifiedContext>): string[] =>
  screenContext({ ...empty, ...context }).map(
    (f) => `${f.trigger}/${f.severity}/${f.interrupting ? 'interrupting' : 'flag'}`,
  );

describe('validated instrument triggers', () => {
  it('PHQ-9 item 9 = 1 on the arriving form interrupts whatever the total', () => {
    expect(triggers({ assessments: [phq9(4, 1, true)] })).toEqual(['PHQ9_ITEM9/MODERATE/interrupting']);
  });

  it('PHQ-9 item 9 of 2 or 3 is high', () => {
    expect(triggers({ assessments: [phq9(20, 3, true)] })).toEqual(['PHQ9_ITEM9/HIGH/interrupting']);
  });

  it('item 9 = 0 raises nothing', () => {
    expect(triggers({ assessments: [phq9(22, 0, true)] })).toEqual([]);
  });

  it('an older positive item 9 (not the arriving form) was screened on arrival: nothing again', () => {
    expect(triggers({ assessments: [phq9(8, 0, true), phq9(9, 2, false, '[DATE_2]')] })).toEqual([]);
  });

  it('C-SSRS: Q4 yes is high and interrupts; lifetime behaviour only is moderate and does not', () => {
    const cssrs = (items: Record<string, number>): DeidentifiedAssessment => ({
      instrument: 'C-SSRS',
      loinc: '93374-7',
      date: '[DATE_1]',
      total: null,
      items,
      subject: true,
    });
    expect(triggers({ assessments: [cssrs({ '93246-7': 1, '93247-5': 1, '93249-1': 1 })] })).toEqual([
      'CSSRS_HIGH/HIGH/interrupting',
    ]);
    expect(
      triggers({ assessments: [cssrs({ '93246-7': 0, '93247-5': 0, '93267-3': 1, '93269-9': 0 })] }),
    ).toEqual(['CSSRS_MODERATE/MODERATE/flag']);
    expect(triggers({ assessments: [cssrs({ '93246-7': 1, '93247-5': 0 })] })).toEqual([
      'CSSRS_LOW/LOW/flag',
    ]);
  });
});

describe('risk language in what arrived with the task', () => {
  it('a passive death wish in the newest portal message is a flag with its evidence span', () => {
    const text = "I don't want to be here anymore.";
    const findings = screenContext({ ...empty, messages: [{ sentAt: '[DATE_1]', text }] });
    expect(findings.map((f) => f.trigger)).toEqual(['TEXT_SIGNAL']);
    expect(findings[0]?.interrupting).toBe(false);
    const span = findings[0]!.evidence[0]!;
    expect(span.field).toBe('messages[0].text');
    expect(text.slice(span.start, span.end).length).toBeGreaterThan(0);
  });

  it('an explicit plan in the session notes interrupts as intent/plan language', () => {
    const sessionNotes = '[CLIENT] reports a plan to overdose on her pills this weekend.';
    const [finding] = screenContext({ ...empty, sessionNotes });
    expect(finding?.trigger).toBe('INTENT_OR_PLAN_LANGUAGE');
    expect(finding?.interrupting).toBe(true);
  });

  it('negation, family history and idiom raise nothing', () => {
    expect(
      triggers({
        sessionNotes:
          'Denies SI/HI. Mother attempted suicide in 1998. She said: "my boss will kill me if I am late again."',
      }),
    ).toEqual([]);
  });

  it('older messages and signed prior notes are history: not screened again', () => {
    expect(
      triggers({
        messages: [
          { sentAt: '[DATE_1]', text: 'Can we move Thursday?' },
          { sentAt: '[DATE_2]', text: 'I want to kill myself' },
        ],
        priorNotes: [{ date: '[DATE_3]', text: 'Client endorsed active SI with plan.' }],
      }),
    ).toEqual([]);
  });
});

describe('plan review on a stagnating series', () => {
  it('four PHQ-9 scores without reliable change, the newest arriving, flag a plan review', () => {
    const series = [
      phq9(15, 0, true, '[DATE_1]'),
      phq9(16, 0, false, '[DATE_2]'),
      phq9(14, 0, false, '[DATE_3]'),
      phq9(15, 0, false, '[DATE_4]'),
    ];
    const findings = screenContext({ ...empty, assessments: series });
    expect(findings.map((f) => `${f.trigger}/${f.interrupting}`)).toEqual(['OUTCOME_STAGNATION/false']);
    expect(findings[0]?.scope).toBe('OUTCOME_STAGNATION:PHQ-9');
    expect(findings[0]?.evidence[0]?.excerpt).toContain('4 administrations');
  });

  it('a series that improved reliably is not stagnant', () => {
    const series = [
      phq9(6, 0, true, '[DATE_1]'),
      phq9(9, 0, false, '[DATE_2]'),
      phq9(14, 0, false, '[DATE_3]'),
      phq9(18, 0, false, '[DATE_4]'),
    ];
    expect(triggers({ assessments: series })).toEqual([]);
  });

  it('three scores are not yet a stagnating series', () => {
    const series = [
      phq9(15, 0, true, '[DATE_1]'),
      phq9(16, 0, false, '[DATE_2]'),
      phq9(15, 0, false, '[DATE_3]'),
    ];
    expect(triggers({ assessments: series })).toEqual([]);
  });
});
