import { describe, expect, it } from 'vitest';
import { templateFor } from './registry.js';
import { placeholdersIn, validateOutput } from './validate.js';

const soap = templateFor('soap_note');
const validSoap = {
  draftLabel: 'AI-Assisted Draft',
  subjective: '[CLIENT] reported two panic attacks.',
  objective: 'Telehealth, 53 minutes. [MENTAL_STATUS_DETAIL]',
  assessment: 'F41.0 Panic disorder. [CLINICAL_ASSESSMENT]',
  plan: '[PLAN_DETAIL]',
  riskStatement: null,
  goalsAddressed: ['G1'],
};
const json = (value: unknown): string => JSON.stringify(value);

describe('validateOutput', () => {
  it('accepts a draft that matches the schema and returns it parsed', () => {
    expect(validateOutput(soap, json(validSoap))).toEqual({ ok: true, value: validSoap });
  });

  it('rejects a property the schema does not define', () => {
    expect(validateOutput(soap, json({ ...validSoap, diagnosis: 'F99' }))).toEqual({
      ok: false,
      errors: ['/: unexpected property "diagnosis"'],
    });
  });

  it('rejects a draft with a missing section', () => {
    const withoutPlan: Record<string, unknown> = { ...validSoap };
    delete withoutPlan.plan;
    expect(validateOutput(soap, json(withoutPlan))).toEqual({
      ok: false,
      errors: ['/: missing property "plan"'],
    });
  });

  it('rejects a value outside the enum', () => {
    const triage = {
      draftLabel: 'AI-Assisted Draft',
      category: 'clinical_urgent',
      urgency: 'asap',
      rationale: 'r',
      suggestedReply: 's',
    };
    expect(validateOutput(templateFor('message_triage'), json(triage))).toEqual({
      ok: false,
      errors: ['/urgency: must be one of emergency, same_day, routine'],
    });
  });

  it('rejects null for a section that must be text', () => {
    expect(validateOutput(soap, json({ ...validSoap, subjective: null }))).toEqual({
      ok: false,
      errors: ['/subjective: must be string'],
    });
  });

  it('rejects text that is not JSON without quoting it back', () => {
    const result = validateOutput(soap, 'Sure! Here is the note for [CLIENT]: {');
    expect(result).toEqual({ ok: false, errors: ['content is not valid JSON'] });
  });
});

describe('placeholdersIn', () => {
  it('lists placeholders sorted and once, from every nested string', () => {
    const draft = {
      a: '[PLAN_DETAIL] then [INTERVENTION_DETAIL]',
      b: [{ c: '[PLAN_DETAIL]' }, '[MENTAL_STATUS_DETAIL]'],
      d: null,
      e: 3,
    };
    expect(placeholdersIn(draft)).toEqual([
      '[INTERVENTION_DETAIL]',
      '[MENTAL_STATUS_DETAIL]',
      '[PLAN_DETAIL]',
    ]);
  });

  it('does not count identifier tokens, numbered or not', () => {
    const text =
      '[CLIENT] met [PERSON_2] and [CLINICIAN_1] at [ORGANIZATION_1] on [DATE_13]; plan [HEALTH_PLAN_1]; [AGE]';
    expect(placeholdersIn(text)).toEqual([]);
  });

  it('counts a placeholder that only starts like a token label', () => {
    expect(placeholdersIn('[DATE_OF_NEXT_SESSION] [CLIENT_RESPONSE_DETAIL]')).toEqual([
      '[CLIENT_RESPONSE_DETAIL]',
      '[DATE_OF_NEXT_SESSION]',
    ]);
  });

  it('ignores brackets that are not capitalized labels', () => {
    expect(placeholdersIn('see [note] and [1] and [ A ]')).toEqual([]);
  });
});
