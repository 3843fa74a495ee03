import type { UseCase } from '@carerelay/events';

export type Role = 'clinician' | 'supervisor' | 'biller' | 'front_desk' | 'system';

export interface AccessRequest {
  readonly role: string;
  readonly useCase: UseCase;
  /** The acting clinician is on the client's care team. */
  readonly onCareTeam: boolean;
}

export interface AccessDecision {
  readonly allowed: boolean;
  /** Stable reason code, audited with the decision. */
  readonly reason: string;
}

/** Who may ask for what. Anything not listed is denied (fail closed). */
const ALLOWED: Readonly<Record<string, readonly UseCase[]>> = {
  clinician: [
    'soap_note',
    'dap_note',
    'birp_note',
    'treatment_plan',
    'chart_summary',
    'intake_extraction',
    'message_triage',
    'goal_progress',
    'coding',
  ],
  supervisor: ['chart_summary', 'treatment_plan', 'goal_progress'],
  biller: ['coding'],
};

/**
 * Role × use case × care-team relationship (minimum necessary: 164.502(b)).
 * Clinical use cases also require the requester to be on the client's care team;
 * coding for a biller does not.
 */
export function decideAccess(request: AccessRequest): AccessDecision {
  const allowed = ALLOWED[request.role];
  if (!allowed) return { allowed: false, reason: 'ROLE_NOT_PERMITTED' };
  if (!allowed.includes(request.useCase))
    return { allowed: false, reason: 'USE_CASE_NOT_PERMITTED_FOR_ROLE' };
  const needsRelationship = !(request.role === 'biller' && request.useCase === 'coding');
  if (needsRelationship && !request.onCareTeam) return { allowed: false, reason: 'NOT_ON_CARE_TEAM' };
  return { allowed: true, reason: 'PERMITTED' };
}
