import { describe, expect, it } from 'vitest';
import { DRAFT_TARGETS } from './draft-targets.js';

describe('draft targets come from the use-case catalogue', () => {
  // Hand-written from DOMAIN.md's FHIR mapping: notes → DocumentReference (LOINC), plan →
  // CarePlan, message → Communication; coding has no draft (its Claim comes from coding.suggestion.v1).
  it.each([
    ['soap_note', 'NOTE_DRAFT', 'DocumentReference', '34904-3'],
    ['dap_note', 'NOTE_DRAFT', 'DocumentReference', '34904-3'],
    ['birp_note', 'NOTE_DRAFT', 'DocumentReference', '34904-3'],
    ['chart_summary', 'SUMMARY', 'DocumentReference', '11506-3'],
    ['intake_extraction', 'NOTE_DRAFT', 'DocumentReference', '34794-8'],
    ['goal_progress', 'NOTE_DRAFT', 'DocumentReference', '11506-3'],
    ['treatment_plan', 'CARE_PLAN_DRAFT', 'CarePlan', undefined],
    ['message_triage', 'COMMUNICATION_DRAFT', 'Communication', undefined],
  ] as const)('%s is written as a %s %s (LOINC %s)', (useCase, kind, resourceType, loinc) => {
    const target = DRAFT_TARGETS[useCase];
    expect(target).toMatchObject({ kind, resourceType });
    expect(target?.loinc?.code).toBe(loinc);
  });

  it('has no draft target for coding, a rules use case written as a Claim', () => {
    expect(DRAFT_TARGETS.coding).toBeUndefined();
    expect(Object.keys(DRAFT_TARGETS)).toHaveLength(8);
  });
});
