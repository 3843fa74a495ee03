import { describe, expect, it } from 'vitest';
import { extractIntake, INTAKE_EXTRACTOR_VERSION } from './extract.js';

const presentingOf = (question: string, answer: string) =>
  extractIntake([
    { question: 'Full name', answer: '[CLIENT]' },
    { question, answer },
  ]).presentingProblem;

describe('the presenting problem is the answer to the reason-for-seeking-care question', () => {
  it.each([
    'What brings you in today?',
    'What brought you to counseling?',
    'Reason for seeking care',
    'Reason for referral:',
    'What is the reason you are seeking therapy at this time?',
    'Chief complaint',
    'Presenting problem',
    'Please describe your main concern',
    'Why are you seeking services now?',
    'What would you like help with?',
    'Describe the problem that brings you here',
  ])('%s', (question) => {
    expect(presentingOf(question, 'Panic attacks at work since [DATE_1].')).toEqual({
      question,
      answer: 'Panic attacks at work since [DATE_1].',
    });
  });

  it('by its LOINC code (10154-3 chief complaint) or a linkId, whatever the wording', () => {
    expect(
      extractIntake([{ question: 'In your own words', answer: 'cannot sleep', code: '10154-3' }])
        .presentingProblem?.answer,
    ).toBe('cannot sleep');
    expect(
      extractIntake([{ question: 'Tell us more', answer: 'grief', linkId: 'reason-for-seeking-care' }])
        .presentingProblem?.answer,
    ).toBe('grief');
  });

  it('the most specific wording wins over an earlier, vaguer question', () => {
    const extraction = extractIntake([
      { question: 'Any current concerns about your physical health?', answer: 'back pain' },
      { question: 'What brings you in?', answer: 'my anxiety' },
    ]);
    expect(extraction.presentingProblem?.answer).toBe('my anxiety');
  });

  it('none when no question asks it or the answer is blank', () => {
    expect(presentingOf('Favourite colour', 'blue')).toBeNull();
    expect(presentingOf('What brings you in?', '')).toBeNull();
  });
});

describe('extractIntake', () => {
  it('is deterministic and records its version', () => {
    const answers = [
      { question: 'Marital status', answer: 'Married' },
      { question: 'What brings you in?', answer: 'I keep having panic attacks' },
    ];
    const first = extractIntake(answers);
    expect(extractIntake(answers)).toEqual(first);
    expect(first.extractorVersion).toBe(INTAKE_EXTRACTOR_VERSION);
  });
});
