import { CareRelayError } from '@carerelay/errors';
import type { Observation, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { scoreObservation, scoreQuestionnaireResponse, scoreQuestionnaireResponses } from './score.js';

const LOINC = 'http://loinc.org';
const la = (code: string): { valueCoding: { system: string; code: string } } => ({
  valueCoding: { system: LOINC, code },
});
const int = (n: number): { valueInteger: number } => ({ valueInteger: n });
const item = (linkId: string, answer: object, text = 'synthetic question'): QuestionnaireResponseItem => ({
  linkId,
  text,
  answer: [answer],
});
const qr = (items: QuestionnaireResponseItem[], questionnaire?: string): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  authored: '2026-03-02T10:00:00Z',
  ...(questionnaire ? { questionnaire } : {}),
  item: items,
});

/** PHQ-9 items 1–9 answered 2,2,1,2,1,1,2,2,1 (sum 14), mixing LA codes and integers. */
const phq9Items = (): QuestionnaireResponseItem[] => [
  item('44250-9', la('LA6570-1'), 'Little interest or pleasure in doing things'),
  item('44255-8', la('LA6570-1')),
  item('44259-0', la('LA6569-3')),
  item('44254-1', int(2)),
  item('44251-7', int(1)),
  item('44258-2', la('LA6569-3')),
  item('44252-5', la('LA6570-1')),
  item('44253-3', int(2)),
  item('44260-8', la('LA6569-3')),
];

const thrown = (fn: () => unknown): CareRelayError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CareRelayError) return error;
    throw error;
  }
  throw new Error('expected a CareRelayError');
};

describe('PHQ-9 from a QuestionnaireResponse', () => {
  it('uses the recorded total 44261-6 and never reads it as an item', () => {
    const score = scoreQuestionnaireResponse(qr([...phq9Items(), item('44261-6', int(14))]));
    expect(score.instrument).toBe('PHQ-9');
    expect(score.loinc).toBe('44261-6');
    expect(score.total).toBe(14);
    expect(score.totalSource).toBe('recorded');
    expect(score.severity).toBe('moderate');
    expect(score.date).toBe('2026-03-02T10:00:00Z');
    expect(score.items).toEqual({
      '44250-9': 2,
      '44255-8': 2,
      '44259-0': 1,
      '44254-1': 2,
      '44251-7': 1,
      '44258-2': 1,
      '44252-5': 2,
      '44253-3': 2,
      '44260-8': 1,
    });
    expect(score.items).not.toHaveProperty('44261-6');
    expect(score.warnings).toEqual([]);
  });

  it('reads a total placed before the items the same way (the issue #14 bundle)', () => {
    const score = scoreQuestionnaireResponse(qr([item('/44249-1/44261-6', int(14)), ...phq9Items()]));
    expect(score.total).toBe(14);
    expect(Object.keys(score.items)).toHaveLength(9);
  });

  it('warns when the recorded total disagrees with the items and keeps the recorded one', () => {
    const score = scoreQuestionnaireResponse(qr([...phq9Items(), item('44261-6', int(12))]));
    expect(score.total).toBe(12);
    expect(score.totalSource).toBe('recorded');
    expect(score.warnings).toEqual([
      {
        code: 'TOTAL_MISMATCH',
        message: "PHQ-9 recorded total 12 (44261-6) disagrees with the items' sum 14",
      },
    ]);
  });

  it('computes a missing total from all nine items and says so', () => {
    const score = scoreQuestionnaireResponse(qr(phq9Items()));
    expect(score.total).toBe(14);
    expect(score.totalSource).toBe('computed');
    expect(score.severity).toBe('moderate');
  });

  it('gives no total when it is missing and an item is unanswered, with the reason', () => {
    const score = scoreQuestionnaireResponse(qr(phq9Items().slice(0, 8)));
    expect(score.total).toBeNull();
    expect(score.severity).toBeNull();
    expect(score.reason).toBe('no total recorded and 1 of 9 items unanswered (44260-8)');
    expect(score.item9).toBeUndefined();
  });

  it('finds item 9 by its code on the item, by a path linkId and by definition', () => {
    const base = phq9Items().slice(0, 8);
    const byCode = {
      linkId: 'q9',
      code: [{ system: LOINC, code: '44260-8' }],
      answer: [int(2)],
    } as QuestionnaireResponseItem;
    expect(scoreQuestionnaireResponse(qr([...base, byCode])).item9).toBe(2);
    expect(scoreQuestionnaireResponse(qr([...base, item('/44249-1/44260-8', int(3))])).item9).toBe(3);
    const byDefinition = { linkId: 'q9', definition: 'http://loinc.org#44260-8', answer: [int(1)] };
    expect(scoreQuestionnaireResponse(qr([...base, byDefinition])).item9).toBe(1);
  });

  it('reports item 9 = 0 as 0 (answered, no risk), not as missing', () => {
    const items = [...phq9Items().slice(0, 8), item('44260-8', la('LA6568-5'))];
    const score = scoreQuestionnaireResponse(qr(items));
    expect(score.item9).toBe(0);
    expect(score.total).toBe(13);
  });

  it('reads nested items (groups) and integer decimals', () => {
    const group = {
      linkId: 'phq9-group',
      item: [...phq9Items().slice(0, 8), item('44260-8', { valueDecimal: 3 })],
    };
    const score = scoreQuestionnaireResponse(qr([group]));
    expect(score.total).toBe(16);
    expect(score.severity).toBe('moderately severe');
  });
});

describe('out-of-range and unreadable answers', () => {
  it('rejects an item answered 4, naming the item code and the range, never the question text', () => {
    const items = [
      item('44250-9', int(4), 'Little interest or pleasure in doing things'),
      ...phq9Items().slice(1),
    ];
    const error = thrown(() => scoreQuestionnaireResponse(qr(items)));
    expect(error.code).toBe('INSTRUMENT_ANSWER_OUT_OF_RANGE');
    expect(error.message).toBe(
      'PHQ-9 item 44250-9: value 4 is outside the allowed range 0–3 (whole numbers)',
    );
    expect(error.message).not.toContain('Little interest');
  });

  it('rejects a recorded total of 31', () => {
    const error = thrown(() => scoreQuestionnaireResponse(qr([...phq9Items(), item('44261-6', int(31))])));
    expect(error.code).toBe('INSTRUMENT_ANSWER_OUT_OF_RANGE');
    expect(error.message).toBe(
      'PHQ-9 total 44261-6: value 31 is outside the allowed range 0–27 (whole numbers)',
    );
  });

  it('rejects a negative answer and a fractional one', () => {
    const negative = thrown(() =>
      scoreQuestionnaireResponse(qr([item('44260-8', int(-1)), ...phq9Items().slice(0, 8)])),
    );
    expect(negative.message).toBe(
      'PHQ-9 item 44260-8: value -1 is outside the allowed range 0–3 (whole numbers)',
    );
    const fraction = thrown(() => scoreQuestionnaireResponse(qr([item('44260-8', { valueDecimal: 1.5 })])));
    expect(fraction.code).toBe('INSTRUMENT_ANSWER_OUT_OF_RANGE');
  });

  it('rejects an answer coding it does not know', () => {
    const error = thrown(() => scoreQuestionnaireResponse(qr([item('44250-9', la('LA9999-9'))])));
    expect(error.code).toBe('INSTRUMENT_ANSWER_UNRECOGNIZED');
    expect(error.message).toContain('http://loinc.org|LA9999-9');
  });

  it('rejects the same item answered twice with different values', () => {
    const error = thrown(() =>
      scoreQuestionnaireResponse(qr([item('44250-9', int(1)), item('/x/44250-9', int(2))])),
    );
    expect(error.code).toBe('INSTRUMENT_ANSWER_CONFLICT');
  });

  it('rejects a form with no instrument code', () => {
    expect(thrown(() => scoreQuestionnaireResponse(qr([item('mood', int(3))]))).code).toBe(
      'INSTRUMENT_UNRECOGNIZED',
    );
  });
});

describe('GAD-7 and PHQ-2', () => {
  const gad7Items = (): QuestionnaireResponseItem[] =>
    // 1,2,3,0,1,2,1 = 10
    [
      item('69725-0', la('LA6569-3')),
      item('68509-9', la('LA6570-1')),
      item('69733-4', la('LA6571-9')),
      item('69734-2', la('LA6568-5')),
      item('69735-9', int(1)),
      item('69689-8', int(2)),
      item('69736-7', int(1)),
    ];

  it('scores GAD-7 by its LOINC items with the 5/10/15 cut points', () => {
    const score = scoreQuestionnaireResponse(qr(gad7Items()));
    expect(score).toMatchObject({
      instrument: 'GAD-7',
      loinc: '70274-6',
      total: 10,
      totalSource: 'computed',
      severity: 'moderate',
    });
    expect(score.item9).toBeUndefined();
  });

  it('rejects a GAD-7 total above 21', () => {
    const error = thrown(() => scoreQuestionnaireResponse(qr([...gad7Items(), item('70274-6', int(22))])));
    expect(error.message).toBe(
      'GAD-7 total 70274-6: value 22 is outside the allowed range 0–21 (whole numbers)',
    );
  });

  it('scores a PHQ-2 (items shared with PHQ-9) as PHQ-2 with a positive screen at 3', () => {
    const score = scoreQuestionnaireResponse(qr([item('44250-9', int(2)), item('44255-8', int(1))]));
    expect(score).toMatchObject({ instrument: 'PHQ-2', loinc: '55758-7', total: 3, severity: 'positive' });
    const negative = scoreQuestionnaireResponse(
      qr([item('44250-9', int(1)), item('44255-8', int(1)), item('55758-7', int(2))]),
    );
    expect(negative).toMatchObject({ total: 2, totalSource: 'recorded', severity: 'negative' });
  });

  it('reads a partial form under a PHQ-9 questionnaire as PHQ-9, not PHQ-2', () => {
    const score = scoreQuestionnaireResponse(
      qr([item('44250-9', int(2)), item('44255-8', int(1))], 'http://loinc.org/q/44249-1'),
    );
    expect(score.instrument).toBe('PHQ-9');
    expect(score.total).toBeNull();
  });

  it('scores each instrument of a combined form, and the single-instrument call refuses it', () => {
    const combined = qr([...phq9Items(), ...gad7Items()]);
    const scores = scoreQuestionnaireResponses(combined);
    expect(scores.map((s) => [s.instrument, s.total])).toEqual([
      ['PHQ-9', 14],
      ['GAD-7', 10],
    ]);
    expect(thrown(() => scoreQuestionnaireResponse(combined)).code).toBe('INSTRUMENT_AMBIGUOUS');
  });
});

describe('scores from an Observation', () => {
  const obs = (o: Partial<Observation>): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '44261-6' }] },
    effectiveDateTime: '2026-03-09',
    ...o,
  });

  it('reads a PHQ-9 total Observation as a recorded total with no items', () => {
    const score = scoreObservation(obs({ valueInteger: 21 }));
    expect(score).toMatchObject({
      instrument: 'PHQ-9',
      total: 21,
      totalSource: 'recorded',
      severity: 'severe',
      items: {},
    });
    expect(score.date).toBe('2026-03-09');
  });

  it('reads a GAD-7 total as valueQuantity and item components; answered items summing above the total are flagged', () => {
    const score = scoreObservation(
      obs({
        code: { coding: [{ system: LOINC, code: '70274-6' }] },
        valueQuantity: { value: 3, unit: '{score}' },
        component: [
          {
            code: { coding: [{ system: LOINC, code: '69725-0' }] },
            valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA6571-9' }] },
          },
          { code: { coding: [{ system: LOINC, code: '69736-7' }] }, valueInteger: 1 },
        ],
      }),
    );
    expect(score).toMatchObject({
      instrument: 'GAD-7',
      total: 3,
      severity: 'minimal',
      items: { '69725-0': 3, '69736-7': 1 },
    });
    expect(score.warnings).toEqual([
      {
        code: 'TOTAL_MISMATCH',
        message: "GAD-7 recorded total 3 (70274-6) disagrees with the items' sum 4 over 2 of 7 items",
      },
    ]);
  });

  it('rejects an Observation total of 31', () => {
    expect(thrown(() => scoreObservation(obs({ valueInteger: 31 }))).code).toBe(
      'INSTRUMENT_ANSWER_OUT_OF_RANGE',
    );
  });

  it('ignores a coding from another system', () => {
    const other = obs({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44261-6' }] },
      valueInteger: 3,
    });
    expect(thrown(() => scoreObservation(other)).code).toBe('INSTRUMENT_UNRECOGNIZED');
  });
});
