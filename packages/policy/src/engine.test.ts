import { describe, expect, it } from 'vitest';
import type { UseCase } from '@carerelay/events';
import { decide, type ConsentFact, type PolicyFacts } from './engine.js';
import type { RolloutConfig } from './rollout.js';

/*
 * The expectations below are written by hand from the product plan and ARCHITECTURE.md,
 * NOT read from the catalogue: if someone edits the catalogue, this table says whether the
 * edit changed who may see what.
 */
type Rel = 'care_team' | 'appointment_practitioner' | 'supervision';
const NOTES = ['soap_note', 'dap_note', 'birp_note'] as const;
const TREATING_REL: Rel[] = ['care_team', 'appointment_practitioner'];

const HAND: Record<string, Partial<Record<UseCase, Rel[]>>> = {
  clinician: {
    soap_note: TREATING_REL,
    dap_note: TREATING_REL,
    birp_note: TREATING_REL,
    goal_progress: TREATING_REL,
    coding: TREATING_REL,
    outcome_review: TREATING_REL,
    treatment_plan: ['care_team'],
    chart_summary: ['care_team'],
    intake_extraction: ['care_team'],
    message_triage: ['care_team'],
  },
  supervisor: Object.fromEntries(
    [...NOTES, 'treatment_plan', 'chart_summary', 'goal_progress'].map((u) => [u, ['supervision']]),
  ),
  intake_coordinator: { intake_extraction: [] },
  front_desk: { message_triage: [] },
  biller: { coding: [] },
  compliance_officer: {},
  platform_admin: {},
  patient_portal: { message_triage: [], intake_extraction: [], outcome_review: [] },
  ehr_scheduler: { treatment_plan: [] },
};
const PHASE: Record<UseCase, number> = {
  message_triage: 1,
  soap_note: 2,
  dap_note: 2,
  birp_note: 2,
  treatment_plan: 2,
  chart_summary: 2,
  intake_extraction: 2,
  goal_progress: 2,
  coding: 3,
  outcome_review: 2,
};
const USE_CASES = Object.keys(PHASE) as UseCase[];
const PURPOSE = (u: UseCase): string => (u === 'coding' ? 'HPAYMT' : 'TREAT');

const granted: ConsentFact = { granted: true, reasonCode: null, consentRef: 'Consent/c1/_history/1' };
const absent: ConsentFact = { granted: false, reasonCode: 'PART2_CONSENT_ABSENT', consentRef: null };
const revoked: ConsentFact = {
  granted: false,
  reasonCode: 'PART2_CONSENT_REVOKED',
  consentRef: 'Consent/c1/_history/2',
};
const aiAbsent: ConsentFact = { granted: false, reasonCode: 'AI_CONSENT_ABSENT', consentRef: null };

interface Expected {
  allowed: boolean;
  reasonCode: string | null;
}

/** The oracle: the hand table plus the documented rule order. */
function expected(cell: {
  role: string;
  useCase: UseCase;
  rel: Rel | 'none';
  phase: number;
  aiConsent: 'not_required' | 'granted' | 'absent';
  part2: boolean;
  part2Consent: 'granted' | 'absent' | 'revoked';
}): Expected {
  const rules = HAND[cell.role];
  if (!rules || Object.keys(rules).length === 0) return { allowed: false, reasonCode: 'ROLE_NOT_PERMITTED' };
  const needs = rules[cell.useCase];
  if (!needs) return { allowed: false, reasonCode: 'USE_CASE_NOT_PERMITTED_FOR_ROLE' };
  if (PHASE[cell.useCase] > cell.phase) return { allowed: false, reasonCode: 'USE_CASE_NOT_ENABLED' };
  if (needs.length > 0 && !needs.includes(cell.rel as Rel))
    return {
      allowed: false,
      reasonCode: needs.includes('care_team') ? 'NOT_ON_CARE_TEAM' : 'NOT_SUPERVISING',
    };
  // Rules, no model: coding and outcome review need no AI-processing consent.
  if (!['coding', 'outcome_review'].includes(cell.useCase) && cell.aiConsent === 'absent')
    return { allowed: false, reasonCode: 'AI_CONSENT_ABSENT' };
  if (cell.part2 && cell.part2Consent === 'absent')
    return { allowed: false, reasonCode: 'PART2_CONSENT_ABSENT' };
  if (cell.part2 && cell.part2Consent === 'revoked')
    return { allowed: false, reasonCode: 'PART2_CONSENT_REVOKED' };
  return { allowed: true, reasonCode: null };
}

const rolloutAt = (phase: number): RolloutConfig => ({ default: { phase: phase as 1 | 2 | 3 } });

describe('policy engine: every role × use case × relationship × consent × Part 2 × phase', () => {
  it('agrees with the hand-written matrix in every cell', () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const role of Object.keys(HAND))
      for (const useCase of USE_CASES)
        for (const rel of ['none', 'care_team', 'appointment_practitioner', 'supervision'] as const)
          for (const phase of [1, 2, 3])
            for (const aiConsent of ['not_required', 'granted', 'absent'] as const)
              for (const part2 of [false, true])
                for (const part2Consent of ['granted', 'absent', 'revoked'] as const) {
                  cells++;
                  const facts: PolicyFacts = {
                    tenantId: 't1',
                    role,
                    userId: 'u1',
                    useCase,
                    relationships: rel === 'none' ? [] : [rel],
                    rollout: rolloutAt(phase),
                    aiConsentRequired: aiConsent !== 'not_required',
                    ...(aiConsent === 'not_required'
                      ? {}
                      : { aiConsent: aiConsent === 'granted' ? granted : aiAbsent }),
                    part2,
                    ...(part2
                      ? {
                          part2Consent:
                            part2Consent === 'granted'
                              ? granted
                              : part2Consent === 'absent'
                                ? absent
                                : revoked,
                        }
                      : {}),
                  };
                  const got = decide(facts);
                  const want = expected({ role, useCase, rel, phase, aiConsent, part2, part2Consent });
                  if (got.allowed !== want.allowed || got.reasonCode !== want.reasonCode) {
                    mismatches.push(
                      `${role}/${useCase}/${rel}/phase${phase}/ai:${aiConsent}/part2:${part2}/${part2Consent}: ` +
                        `got ${got.allowed} ${got.reasonCode}, want ${want.allowed} ${want.reasonCode}`,
                    );
                  }
                  expect(got.purposeOfUse).toBe(PURPOSE(useCase));
                }
    expect(cells).toBe(9 * 10 * 4 * 3 * 3 * 2 * 3);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('critical cells', () => {
    const base = { tenantId: 't1', userId: 'u1', rollout: rolloutAt(3) };
    // A biller codes without any relationship, for payment, and nothing else.
    expect(decide({ ...base, role: 'biller', useCase: 'coding', relationships: [] })).toMatchObject({
      allowed: true,
      purposeOfUse: 'HPAYMT',
    });
    expect(decide({ ...base, role: 'biller', useCase: 'soap_note', relationships: [] }).reasonCode).toBe(
      'USE_CASE_NOT_PERMITTED_FOR_ROLE',
    );
    // A client's own portal message is triaged with no clinician involved.
    expect(
      decide({ ...base, role: 'patient_portal', useCase: 'message_triage', relationships: [] }).allowed,
    ).toBe(true);
    // Part 2 with a granted consent: allowed, and the decision names the consent.
    expect(
      decide({
        ...base,
        role: 'clinician',
        useCase: 'soap_note',
        relationships: ['care_team'],
        part2: true,
        part2Consent: granted,
      }),
    ).toMatchObject({
      allowed: true,
      part2: true,
      consentRef: 'Consent/c1/_history/1',
      rule: 'part2.consent',
    });
    // A revocation names the revoking version.
    expect(
      decide({
        ...base,
        role: 'clinician',
        useCase: 'soap_note',
        relationships: ['care_team'],
        part2: true,
        part2Consent: revoked,
      }),
    ).toMatchObject({
      allowed: false,
      reasonCode: 'PART2_CONSENT_REVOKED',
      consentRef: 'Consent/c1/_history/2',
    });
    // Unknown roles and use cases are refused, not thrown.
    expect(decide({ ...base, role: 'janitor', useCase: 'soap_note' }).reasonCode).toBe('ROLE_NOT_PERMITTED');
    expect(decide({ ...base, role: 'clinician', useCase: 'poetry' }).reasonCode).toBe('USE_CASE_UNKNOWN');
    // Default rollout (no configuration): phase 2, so coding is off and drafting on.
    expect(decide({ tenantId: 't', role: 'biller', useCase: 'coding', rollout: {} }).reasonCode).toBe(
      'USE_CASE_NOT_ENABLED',
    );
    expect(decide({ tenantId: 't', role: 'clinician', useCase: 'soap_note', rollout: {} }).allowed).toBe(
      true,
    );
  });
});

describe('break-glass', () => {
  const now = 1_800_000_000_000;
  const facts = {
    tenantId: 't1',
    userId: 'u1',
    rollout: { default: { phase: 3 as const } },
    relationships: [],
    now,
  };
  const glass = {
    reason: 'client in crisis in the waiting room, own therapist away',
    expiresAt: now + 60_000,
  };

  it('lets a clinician override a relationship denial for treatment, marked as break-glass', () => {
    expect(
      decide({ ...facts, role: 'clinician', useCase: 'chart_summary', breakGlass: glass }),
    ).toMatchObject({
      allowed: true,
      breakGlass: true,
      rule: 'break_glass.override',
    });
  });

  it('never for payment, never for other roles, never without a reason, never after it expires', () => {
    expect(decide({ ...facts, role: 'clinician', useCase: 'coding', breakGlass: glass }).reasonCode).toBe(
      'BREAK_GLASS_NOT_PERMITTED',
    );
    expect(
      decide({ ...facts, role: 'supervisor', useCase: 'chart_summary', breakGlass: glass }).reasonCode,
    ).toBe('BREAK_GLASS_NOT_PERMITTED');
    expect(
      decide({
        ...facts,
        role: 'clinician',
        useCase: 'chart_summary',
        breakGlass: { ...glass, reason: 'urgent' },
      }).reasonCode,
    ).toBe('BREAK_GLASS_REASON_REQUIRED');
    expect(
      decide({
        ...facts,
        role: 'clinician',
        useCase: 'chart_summary',
        breakGlass: { ...glass, expiresAt: now },
      }).reasonCode,
    ).toBe('BREAK_GLASS_EXPIRED');
  });

  it('does not override a Part 2 consent refusal', () => {
    expect(
      decide({
        ...facts,
        role: 'clinician',
        useCase: 'chart_summary',
        breakGlass: glass,
        part2: true,
        part2Consent: absent,
      }),
    ).toMatchObject({ allowed: false, reasonCode: 'PART2_CONSENT_ABSENT' });
  });
});

describe('pilot groups', () => {
  const rollout: RolloutConfig = {
    tenants: { t1: { phase: 2, pilots: { soap_note: ['pilot-a'] } } },
    groups: { 'pilot-a': ['Practitioner/p1'] },
  };
  it('limit a use case to the group members of that tenant only', () => {
    const ask = (tenantId: string, userId: string) =>
      decide({
        tenantId,
        userId,
        role: 'clinician',
        useCase: 'soap_note',
        relationships: ['care_team'],
        rollout,
      });
    expect(ask('t1', 'p1').allowed).toBe(true);
    expect(ask('t1', 'p2').reasonCode).toBe('NOT_IN_PILOT_GROUP');
    expect(ask('t2', 'p2').allowed).toBe(true);
  });
});

describe('triggers', () => {
  it('plan the documented use case for each EHR change, and nothing for the rest', async () => {
    const { useCaseForChange } = await import('./catalogue.js');
    expect(useCaseForChange('SESSION_ENDED', 'dap_note')).toBe('dap_note');
    expect(useCaseForChange('INTAKE_SUBMITTED', 'soap_note')).toBe('intake_extraction');
    expect(useCaseForChange('MESSAGE_RECEIVED', 'soap_note')).toBe('message_triage');
    expect(useCaseForChange('NOTE_SIGNED', 'soap_note')).toBe('coding');
    expect(useCaseForChange('PLAN_REVIEW_DUE', 'soap_note')).toBe('treatment_plan');
    expect(useCaseForChange('ASSESSMENT_COMPLETED', 'soap_note')).toBe('outcome_review');
    for (const change of ['OTHER', 'TASK_COMPLETED'] as const)
      expect(useCaseForChange(change, 'soap_note')).toBeNull();
  });
});
