import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';

describe('evaluate', () => {
  const gold = [
    {
      id: 'a',
      text: 'Maria Lopez seen 7/22.',
      spans: [
        { start: 0, end: 11, type: 'NAME', known: true },
        { start: 17, end: 21, type: 'DATE' },
      ],
    },
    { id: 'b', text: 'No identifiers here.', spans: [] },
  ];

  it('counts a gold span as caught only when every letter and digit is covered', () => {
    const r = evaluate(gold, [
      {
        id: 'a',
        spans: [
          { start: 0, end: 5, type: 'NAME' },
          { start: 17, end: 21, type: 'DATE' },
        ],
      },
      { id: 'b', spans: [] },
    ]);
    expect(r.leakRecall).toBe(0.5);
    expect(r.knownRecall).toBe(0);
    expect(r.perType.find((t) => t.type === 'DATE')?.recall).toBe(1);
  });

  it('accepts a span of another type for leak recall but not for typed recall', () => {
    const r = evaluate(gold, [
      {
        id: 'a',
        spans: [
          { start: 0, end: 11, type: 'LOCATION' },
          { start: 17, end: 21, type: 'DATE' },
        ],
      },
    ]);
    const name = r.perType.find((t) => t.type === 'NAME');
    expect(name?.recall).toBe(1);
    expect(name?.typedRecall).toBe(0);
  });

  it('measures character precision over letters and digits, and untouched PHI-free texts', () => {
    const r = evaluate(gold, [
      { id: 'a', spans: [{ start: 0, end: 16, type: 'NAME' }] },
      { id: 'b', spans: [{ start: 3, end: 14, type: 'NAME' }] },
    ]);
    // predicted alnum: "MariaLopezseen" (14) + "identifiers" (11); inside gold: 10
    expect(r.charPrecision).toBeCloseTo(10 / 25, 6);
    expect(r.phiFreeUntouched).toBe(0);
  });
  it('ignores bare years (DATE_YEAR): neither missed when left nor false when marked', () => {
    const years = [
      {
        id: 'y',
        text: 'CABG 1992, MI 7/22.',
        spans: [
          { start: 5, end: 9, type: 'DATE_YEAR' },
          { start: 14, end: 18, type: 'DATE' },
        ],
      },
    ];
    const left = evaluate(years, [{ id: 'y', spans: [{ start: 14, end: 18, type: 'DATE' }] }]);
    expect(left.leakRecall).toBe(1);
    expect(left.goldSpans).toBe(1);
    const marked = evaluate(years, [
      {
        id: 'y',
        spans: [
          { start: 5, end: 9, type: 'DATE' },
          { start: 14, end: 18, type: 'DATE' },
        ],
      },
    ]);
    expect(marked.charPrecision).toBe(1);
    expect(marked.predictedChars).toBe(3);
    const asDate = [{ id: 'd', text: 'Founded in 1977.', spans: [{ start: 11, end: 15, type: 'DATE' }] }];
    expect(evaluate(asDate, [{ id: 'd', spans: [] }]).goldSpans).toBe(0);
  });
});
