import { describe, expect, it } from 'vitest';
import { extractIntake } from './extract.js';
import { frequencyValue } from './instruments.js';
import type { IntakeAnswerInput } from './types.js';

/** The PHQ-9 items in their standard wording, with their LOINC codes. */
const PHQ9_WORDING: readonly (readonly [string, string])[] = [
  ['44250-9', 'Little interest or pleasure in doing things'],
  ['44255-8', 'Feeling down, depressed, or hopeless'],
  ['44259-0', 'Trouble falling or staying asleep, or sleeping too much'],
  ['44254-1', 'Feeling tired or having little energy'],
  ['44251-7', 'Poor appetite or overeating'],
  [
    '44258-2',
    'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
  ],
  ['44252-5', 'Trouble concentrating on things, such as reading the newspaper or watching television'],
  [
    '44253-3',
    'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
  ],
  ['44260-8', 'Thoughts that you would be better off dead, or of hurting yourself in some way'],
];

const GAD7_WORDING: readonly (readonly [string, string])[] = [
  ['69725-0', 'Feeling nervous, anxious, or on edge'],
  ['68509-9', 'Not being able to stop or control worrying'],
  ['69733-4', 'Worrying too much about different things'],
  ['69734-2', 'Trouble relaxing'],
  ['69735-9', 'Being so restless that it is hard to sit still'],
  ['69689-8', 'Becoming easily annoyed or irritable'],
  ['69736-7', 'Feeling afraid, as if something awful might happen'],
];

const LABELS = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];
const PREFIX = 'Over the last 2 weeks, how often have you been bothered by: ';

const scoresOf = (answers: IntakeAnswerInput[]) => extractIntake(answers).scores;

describe('answers on the 0–3 frequency scale', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    ['2 - More than half the days', 2],
    ['1 (several days)', 1],
    ['Not at all', 0],
    ['several days', 1],
    ['More than half of the days', 2],
    ['Nearly every day', 3],
    ['almost everyday', 3],
    ['LA6570-1', 2],
    ['5', 5],
    ['yes', undefined],
    ['3 days a week', undefined],
  ] as const)('%s → %s', (answer, value) => {
    expect(frequencyValue(answer)).toBe(value);
  });
});

describe('instruments embedded in an intake form', () => {
  it('scores a PHQ-9 asked in its standard wording: 2,3,3,1,0,2,1,0,1 → total 13, moderate, item 9 = 1', () => {
    const values = [2, 3, 3, 1, 0, 2, 1, 0, 1];
    const answers = PHQ9_WORDING.map(([, text], i) => ({ question: text, answer: LABELS[values[i]!]! }));
    const extraction = extractIntake([{ question: 'What brings you in?', answer: 'low mood' }, ...answers]);
    expect(extraction.scores).toEqual([
      {
        instrument: 'PHQ-9',
        loinc: '44261-6',
        total: 13,
        totalSource: 'computed',
        items: Object.fromEntries(PHQ9_WORDING.map(([code], i) => [code, values[i]])),
        itemsExpected: 9,
        severity: 'moderate',
        reason: null,
        warnings: [],
      },
    ]);
    expect(extraction.risk.phq9Item9).toBe(1);
  });

  it('scores a GAD-7 with a question prefix and digit answers: 3,2,2,3,1,2,3 → 16, severe', () => {
    const values = [3, 2, 2, 3, 1, 2, 3];
    const answers = GAD7_WORDING.map(([, text], i) => ({
      question: PREFIX + text,
      answer: String(values[i]),
    }));
    const [gad7] = scoresOf(answers);
    expect(gad7).toMatchObject({ instrument: 'GAD-7', loinc: '70274-6', total: 16, severity: 'severe' });
  });

  it('reads items by LOINC code (linkId path or carried code) whatever the question says', () => {
    const answers = PHQ9_WORDING.map(([code], i) => ({
      question: `Question ${i + 1}`,
      answer: 'LA6569-3',
      ...(i % 2 === 0 ? { linkId: `/44249-1/${code}` } : { code }),
    }));
    const [phq9] = scoresOf(answers);
    expect(phq9).toMatchObject({ instrument: 'PHQ-9', total: 9, severity: 'mild' });
  });

  it('a PHQ-2 is the first two items alone: 2 + 1 = 3, positive', () => {
    const [phq2, ...rest] = scoresOf([
      { question: 'Little interest or pleasure in doing things?', answer: 'More than half the days' },
      { question: 'Feeling down, depressed or hopeless?', answer: 'Several days' },
    ]);
    expect(rest).toEqual([]);
    expect(phq2).toMatchObject({ instrument: 'PHQ-2', loinc: '55758-7', total: 3, severity: 'positive' });
  });

  it('uses a recorded total and says so when the items disagree', () => {
    const answers = [
      ...GAD7_WORDING.map(([, text]) => ({ question: text, answer: 'Several days' })),
      { question: 'GAD-7 total score', answer: '9' },
    ];
    const [gad7] = scoresOf(answers);
    expect(gad7).toMatchObject({ total: 9, totalSource: 'recorded', severity: 'mild' });
    expect(gad7?.warnings).toEqual(["the recorded total 9 differs from the items' sum 7"]);
  });

  it('an incomplete form has no total, and the reason names what is missing', () => {
    const [gad7] = scoresOf(GAD7_WORDING.slice(0, 3).map(([, text]) => ({ question: text, answer: '1' })));
    expect(gad7).toMatchObject({ total: null, severity: null });
    expect(gad7?.reason).toBe('not scored: 3 of 7 items answered and no total recorded');
  });

  it('refuses an answer outside 0–3 with a clear reason instead of summing it', () => {
    const answers = PHQ9_WORDING.map(([, text], i) => ({ question: text, answer: i === 4 ? '7' : '1' }));
    const [phq9] = scoresOf(answers);
    expect(phq9?.total).toBeNull();
    expect(phq9?.reason).toBe('not scored: item 44251-7: value 7 is outside the allowed range 0–3');
  });

  it('never scores a question that only resembles an item, nor a yes/no answer to one', () => {
    expect(
      scoresOf([
        { question: 'Do you have trouble falling asleep?', answer: 'yes' },
        { question: 'How is your appetite?', answer: 'poor appetite lately' },
        { question: 'Hours of sleep per night', answer: '5' },
      ]),
    ).toEqual([]);
  });
});
