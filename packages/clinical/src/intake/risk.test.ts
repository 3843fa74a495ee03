import { describe, expect, it } from 'vitest';
import type { RiskLevel } from '../risk/index.js';
import { extractIntake } from './extract.js';
import { affirmedStatement } from './risk.js';

const riskOf = (question: string, answer: string) => extractIntake([{ question, answer }]).risk;

/** [question, answer, level, the evidence phrase and where it is] — no evidence for NONE. */
const CASES: readonly (readonly [string, string, RiskLevel, string | null, 'answer' | 'question' | null])[] =
  [
    // Affirmed screening questions: the question is the evidence.
    ['Have you had thoughts of killing yourself?', 'yes', 'MODERATE', 'killing yourself', 'question'],
    ['Are you having thoughts of suicide?', 'Yes', 'MODERATE', 'suicide', 'question'],
    ['Any thoughts of self-harm?', 'sometimes', 'MODERATE', 'self-harm', 'question'],
    ['Do you have thoughts of hurting someone else?', 'Yes', 'MODERATE', 'hurting someone', 'question'],
    ['Do you ever wish you were dead?', 'not sure', 'LOW', 'wish you were dead', 'question'],
    // Lifetime questions: lifetime behavior is MODERATE at most (C-SSRS ladder).
    ['Have you ever attempted suicide?', 'yes', 'MODERATE', 'attempted suicide', 'question'],
    ['Any history of suicide attempts?', 'Yes, once', 'MODERATE', 'suicide attempts', 'question'],
    // Negated answers: nothing, however the no is worded.
    ['Have you had thoughts of killing yourself?', 'no', 'NONE', null, null],
    ['Have you had thoughts of killing yourself?', 'No.', 'NONE', null, null],
    ['Have you had thoughts of killing yourself?', 'never', 'NONE', null, null],
    ['Any suicidal thoughts?', 'no thoughts of suicide', 'NONE', null, null],
    ['Any thoughts of self-harm?', 'denies', 'NONE', null, null],
    ['Any suicidal thoughts?', 'not at all', 'NONE', null, null],
    ['Any thoughts of harming others?', "I don't have any thoughts like that", 'NONE', null, null],
    // Declining to answer is not a yes.
    ['Have you had thoughts of killing yourself?', 'prefer not to say', 'NONE', null, null],
    // Other people, idioms and remote history in the client's own words.
    ['Has anyone in your family attempted suicide?', 'yes, my uncle', 'NONE', null, null],
    ['Any family history of suicide?', 'yes', 'NONE', null, null],
    ['Anything else we should know?', 'my boss will kill me if I am late again', 'NONE', null, null],
    ['What brings you in?', 'My sister died by suicide last year and I cannot cope', 'NONE', null, null],
    ['Any thoughts of self-harm?', 'No, but I used to cut in high school', 'NONE', null, null],
    // The client's own words: the answer is the evidence.
    ['What brings you in?', 'I feel like I want to die', 'LOW', 'want to die', 'answer'],
    [
      'Anything else we should know?',
      'I have been thinking about ending my life and I have pills saved up',
      'HIGH',
      'ending my life',
      'answer',
    ],
    ['Any suicidal thoughts?', 'yes, I plan to overdose tonight', 'IMMINENT', 'plan to overdose', 'answer'],
    // Questions about nothing risky: a yes is just a yes.
    ['Do you feel safe at home?', 'yes', 'NONE', null, null],
    ['Do you drink alcohol?', 'yes', 'NONE', null, null],
  ];

describe('risk flags from intake answers', () => {
  it.each(CASES)('%s — %s → %s', (question, answer, level, evidence, source) => {
    const risk = riskOf(question, answer);
    expect(risk.level).toBe(level);
    if (evidence === null) {
      expect(risk.signals).toEqual([]);
      return;
    }
    const signal = risk.signals.find((s) => s.evidence.toLowerCase().includes(evidence.toLowerCase()));
    expect(signal, `a signal with evidence "${evidence}"`).toBeDefined();
    expect(signal?.source).toBe(source);
    // The span points at the evidence in the text it names.
    const text = source === 'question' ? question : answer;
    expect(text.slice(signal!.start, signal!.end)).toBe(signal!.evidence);
  });

  it('the form level is the highest of its answers; every signal keeps its own question', () => {
    const risk = extractIntake([
      { question: 'Do you ever wish you were dead?', answer: 'sometimes' },
      { question: 'What brings you in?', answer: 'panic attacks at work' },
      { question: 'Anything else?', answer: 'I bought a rope last week' },
    ]).risk;
    expect(risk.level).toBe('HIGH');
    expect(risk.signals.map((s) => s.question)).toEqual([
      'Do you ever wish you were dead?',
      'Anything else?',
    ]);
  });

  it('PHQ-9 item 9 answered on the scale is a validated trigger, not text to scan', () => {
    const risk = extractIntake([
      {
        question: 'Thoughts that you would be better off dead, or of hurting yourself in some way',
        answer: 'Several days',
      },
    ]).risk;
    expect(risk.phq9Item9).toBe(1);
    expect(risk.signals).toEqual([]);
  });

  it('a form without answers has no risk', () => {
    expect(extractIntake([]).risk).toEqual({ level: 'NONE', signals: [], phq9Item9: null });
  });
});

describe('an affirmed question as the client’s statement', () => {
  it('swaps you-words for I-words and maps spans back onto the question', () => {
    const question = 'Have you thought about killing yourself?';
    const statement = affirmedStatement(question);
    expect(statement.text).toBe('Have I thought about killing myself.');
    const at = statement.text.indexOf('killing myself');
    const span = statement.span(at, at + 'killing myself'.length);
    expect(question.slice(span.start, span.end)).toBe('killing yourself');
  });
});
