import type { EhrAdapter, TaskContextRead } from '@carerelay/ehr';
import type { ChangeType, EhrChange, UseCase } from '@carerelay/events';
import {
  CATALOGUE,
  decide,
  evaluateConsent,
  SERVICE_ROLES,
  type ConsentFact,
  type PolicyDecision,
  type PolicyFacts,
  type Relationship,
  type Role,
} from '@carerelay/policy';
import type { BreakGlassStore } from './break-glass.js';
import type { ConsentCache } from './consent-cache.js';
import type { RolloutSource } from './rollout-source.js';

/** What the planner and the on-demand ingress ask the policy engine with. */
export interface TaskPolicyDeps {
  readonly adapter: Pick<EhrAdapter, 'relationshipsOf' | 'careTeamRefs'>;
  readonly rollout: Pick<RolloutSource, 'current'>;
  readonly consents: Pick<ConsentCache, 'consentsOf' | 'invalidate'>;
  readonly breakGlass: BreakGlassStore;
  /** Whether the practice requires the client's consent to AI-assisted processing. */
  readonly aiConsentRequired: boolean;
  /**
   * References a consent's recipient (provision.actor IRCP) may name for this practice, e.g.
   * `Organization/practice-1`; the client's own care teams are added per client. Empty: the
   * recipient is not checked.
   */
  readonly consentRecipients: readonly string[];
  readonly now?: () => number;
}

/**
 * Who acted, when the change names no user: a client's own portal message, intake form or
 * questionnaire is the patient portal's; anything else the EHR raised on its own is its scheduler's.
 */
export function actingRole(change: Pick<EhrChange, 'actorRole' | 'actorUserId' | 'changeType'>): string {
  if (change.actorRole) return change.actorRole;
  if (change.actorUserId) return 'clinician';
  const fromClient: readonly ChangeType[] = ['MESSAGE_RECEIVED', 'INTAKE_SUBMITTED', 'ASSESSMENT_COMPLETED'];
  return fromClient.includes(change.changeType) ? 'patient_portal' : 'ehr_scheduler';
}

export interface Requester {
  readonly tenantId: string;
  readonly clientId: string;
  readonly userId: string | null;
  readonly role: string;
  readonly useCase: UseCase;
  readonly encounterId?: string | null;
}

/**
 * The decision before anything clinical is read: role, rollout, relationship (read from
 * the EHR's CareTeam and Encounter) and a break-glass grant when the relationship fails.
 */
export async function decideRequest(
  requester: Requester,
  deps: TaskPolicyDeps,
): Promise<{ decision: PolicyDecision; facts: PolicyFacts }> {
  const base: PolicyFacts = {
    tenantId: requester.tenantId,
    role: requester.role,
    userId: requester.userId,
    useCase: requester.useCase,
    rollout: deps.rollout.current(),
    now: (deps.now ?? Date.now)(),
  };
  // Role and rollout first: an unauthorized request reads nothing at all from the EHR.
  const early = decide(base);
  if (!early.allowed) return { decision: early, facts: base };
  const relationships: Relationship[] =
    requester.userId && !SERVICE_ROLES.includes(requester.role as Role)
      ? await deps.adapter.relationshipsOf(requester.clientId, requester.userId, requester.encounterId)
      : [];
  let facts: PolicyFacts = { ...base, relationships };
  let decision = decide(facts);
  if (!decision.allowed && decision.rule === 'relationship.required' && requester.userId) {
    const glass = await deps.breakGlass.active(requester.tenantId, requester.userId, requester.clientId);
    if (glass) {
      facts = { ...facts, breakGlass: glass };
      decision = decide(facts);
    }
  }
  return { decision, facts };
}

/** The Part 2 and AI-processing consents the data read call for, evaluated on the client's Consents. */
export async function consentFacts(
  facts: PolicyFacts,
  read: Pick<TaskContextRead, 'part2'>,
  clientId: string,
  deps: TaskPolicyDeps,
): Promise<PolicyFacts> {
  const spec = CATALOGUE[facts.useCase as UseCase];
  const needsAi =
    deps.aiConsentRequired && spec.producer.kind === 'model' && spec.consent.includes('ai_processing');
  const part2 = read.part2.part2;
  if (!needsAi && !part2) return { ...facts, part2, aiConsentRequired: deps.aiConsentRequired };
  const [consents, careTeams] = await Promise.all([
    deps.consents.consentsOf(facts.tenantId, clientId),
    deps.consentRecipients.length > 0 ? deps.adapter.careTeamRefs(clientId) : Promise.resolve([]),
  ]);
  const recipients = deps.consentRecipients.length > 0 ? [...deps.consentRecipients, ...careTeams] : [];
  const at = new Date(facts.now ?? Date.now());
  const ask = (kind: 'ai_processing' | 'part2'): ConsentFact => {
    const found = evaluateConsent(consents, {
      kind,
      purpose: spec.purposeOfUse,
      recipients,
      at,
    });
    return { granted: found.granted, reasonCode: found.reasonCode, consentRef: found.consentRef };
  };
  return {
    ...facts,
    aiConsentRequired: deps.aiConsentRequired,
    part2,
    ...(needsAi ? { aiConsent: ask('ai_processing') } : {}),
    ...(part2 ? { part2Consent: ask('part2') } : {}),
  };
}
