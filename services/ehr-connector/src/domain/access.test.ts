import { describe, expect, it } from 'vitest';
import { decideAccess } from './access.js';
import { useCaseFor } from './planner.js';

describe('access check', () => {
  it('lets a clinician on the care team draft a note', () => {
    expect(decideAccess({ role: 'clinician', useCase: 'soap_note', onCareTeam: true })).toEqual({
      allowed: true,
      reason: 'PERMITTED',
    });
  });
  it("denies a clinician who is not on the client's care team", () => {
    expect(decideAccess({ role: 'clinician', useCase: 'soap_note', onCareTeam: false })).toEqual({
      allowed: false,
      reason: 'NOT_ON_CARE_TEAM',
    });
  });
  it('denies a biller anything but coding, and allows coding without a care-team relationship', () => {
    expect(decideAccess({ role: 'biller', useCase: 'chart_summary', onCareTeam: true }).reason).toBe(
      'USE_CASE_NOT_PERMITTED_FOR_ROLE',
    );
    expect(decideAccess({ role: 'biller', useCase: 'coding', onCareTeam: false }).allowed).toBe(true);
  });
  it('denies unknown roles (fail closed)', () => {
    expect(decideAccess({ role: 'intern', useCase: 'soap_note', onCareTeam: true })).toEqual({
      allowed: false,
      reason: 'ROLE_NOT_PERMITTED',
    });
  });
});

describe('task planner', () => {
  it('maps changes to use cases', () => {
    expect(useCaseFor('SESSION_ENDED', 'dap_note')).toBe('dap_note');
    expect(useCaseFor('INTAKE_SUBMITTED', 'soap_note')).toBe('intake_extraction');
    expect(useCaseFor('MESSAGE_RECEIVED', 'soap_note')).toBe('message_triage');
    expect(useCaseFor('NOTE_SIGNED', 'soap_note')).toBe('coding');
    expect(useCaseFor('PLAN_REVIEW_DUE', 'soap_note')).toBe('treatment_plan');
    expect(useCaseFor('OTHER', 'soap_note')).toBeNull();
  });
});
