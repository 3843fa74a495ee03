import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { cssrsLevel, cssrsQuestionOf } from './cssrs.js';
import { scoreQuestionnaireResponse } from './score.js';

const YES = { valueCoding: { system: 'http://loinc.org', code: 'LA33-6' } };
const NO = { valueCoding: { system: 'http://loinc.org', code: 'LA32-8' } };

/** A screener answered by CareRelay linkIds; questions left out were skipped. */
const screener = (answers: Record<string, boolean>): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  authored: '2026-04-01T09:30:00Z',
  item: Object.entries(answers).map(([linkId, yes]) => ({ linkId, answer: [yes ? YES : NO] })),
});

const levelOf = (answers: Record<string, boolean>): string | undefined =>
  scoreQuestionnaireResponse(screener(answers)).cssrsLevel;

describe('C-SSRS screener levels', () => {
  it('is NONE when every answer is no', () => {
    expect(levelOf({ 'cssrs-1': false, 'cssrs-2': false, 'cssrs-6': false })).toBe('NONE');
  });

  it('is LOW on a yes to Q1 only, and to Q1 and Q2 only', () => {
    expect(levelOf({ 'cssrs-1': true, 'cssrs-2': false, 'cssrs-6': false })).toBe('LOW');
    expect(
      levelOf({
        'cssrs-1': true,
        'cssrs-2': true,
        'cssrs-3': false,
        'cssrs-4': false,
        'cssrs-5': false,
        'cssrs-6': false,
      }),
    ).toBe('LOW');
  });

  it('is MODERATE on a yes to Q3 (method)', () => {
    expect(
      levelOf({ 'cssrs-1': true, 'cssrs-2': true, 'cssrs-3': true, 'cssrs-4': false, 'cssrs-5': false }),
    ).toBe('MODERATE');
  });

  it('is MODERATE on lifetime behavior not in the past 3 months', () => {
    expect(levelOf({ 'cssrs-1': false, 'cssrs-2': false, 'cssrs-6': true, 'cssrs-6b': false })).toBe(
      'MODERATE',
    );
  });

  it('is HIGH on a yes to Q4 (intent) or Q5 (plan with intent)', () => {
    expect(levelOf({ 'cssrs-2': true, 'cssrs-3': false, 'cssrs-4': true, 'cssrs-5': false })).toBe('HIGH');
    expect(levelOf({ 'cssrs-2': true, 'cssrs-3': true, 'cssrs-4': false, 'cssrs-5': true })).toBe('HIGH');
  });

  it('is HIGH on behavior in the past 3 months', () => {
    expect(levelOf({ 'cssrs-1': false, 'cssrs-2': false, 'cssrs-6': true, 'cssrs-6b': true })).toBe('HIGH');
  });

  it('reads the LOINC item codes of the HL7 behavioral-health IG and ignores the recorded risk level', () => {
    const qr: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      authored: '2026-04-01',
      item: [
        { linkId: '/93246-7', answer: [YES] },
        { linkId: '/93247-5', answer: [YES] },
        { linkId: '/93248-3', answer: [{ valueBoolean: true }] },
        { linkId: '/93249-1', answer: [NO] },
        { linkId: '/93250-9', answer: [NO] },
        { linkId: '/93267-3', answer: [NO] },
        { linkId: '/93374-7', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA9194-7' } }] },
      ],
    };
    const score = scoreQuestionnaireResponse(qr);
    expect(score).toMatchObject({
      instrument: 'C-SSRS',
      loinc: '93374-7',
      total: null,
      severity: null,
      cssrsLevel: 'MODERATE',
    });
    expect(score.items).toEqual({
      '93246-7': 1,
      '93247-5': 1,
      '93248-3': 1,
      '93249-1': 0,
      '93250-9': 0,
      '93267-3': 0,
    });
  });

  it('warns when Q1, Q2 or Q6 is unanswered, and refuses a form with only a recorded risk level', () => {
    const partial = scoreQuestionnaireResponse(screener({ 'cssrs-1': false }));
    expect(partial.cssrsLevel).toBe('NONE');
    expect(partial.warnings).toEqual([
      {
        code: 'CSSRS_INCOMPLETE',
        message: 'C-SSRS Q2, Q6 unanswered: the level counts them as no and may be too low',
      },
    ]);
    const levelOnly = screener({});
    levelOnly.item = [
      { linkId: '93374-7', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA9194-7' } }] },
    ];
    expect(() => scoreQuestionnaireResponse(levelOnly)).toThrow(
      'C-SSRS screener has no answered question (Q1–Q6)',
    );
  });

  it('rejects a yes/no item answered 2', () => {
    const qr = screener({});
    qr.item = [{ linkId: 'cssrs-4', answer: [{ valueInteger: 2 }] }];
    expect(() => scoreQuestionnaireResponse(qr)).toThrow(
      'C-SSRS item 93249-1: value 2 is outside the allowed range 0–1',
    );
  });

  it('maps linkId spellings to questions', () => {
    expect(cssrsQuestionOf('CSSRS-6B')).toBe('Q6b');
    expect(cssrsQuestionOf('c-ssrs_3')).toBe('Q3');
    expect(cssrsQuestionOf('cssrs-7')).toBeUndefined();
    expect(cssrsLevel({})).toBe('NONE');
  });
});
