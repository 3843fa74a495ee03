import type { UseCase } from '@carerelay/events';
import {
  CATALOGUE,
  isRole,
  SERVICE_ROLES,
  USE_CASES,
  type PurposeOfUse,
  type Relationship,
} from './catalogue.js';
import { inPilotGroups, rolloutFor, type RolloutConfig } from './rollout.js';

/** The outcome of a consent evaluation, as the engine needs it (see `consent.ts`). */
export interface ConsentFact {
  readonly granted: boolean;
  /** Stable code when not granted (`PART2_CONSENT_ABSENT`, `AI_CONSENT_REVOKED`...). */
  readonly reasonCode: string | null;
  /** `Consent/id/_history/vid` of the consent that decided, when one did. */
  readonly consentRef: string | null;
}

/** A clinician's emergency override of a relationship denial (§ break-glass). */
export interface BreakGlass {
  readonly reason: string;
  /** Epoch ms: the override is void after this. */
  readonly expiresAt: number;
}

/**
 * What is known when a decision is asked for. Facts that are not known yet (the data have
 * not been read) are left undefined and their rules are not evaluated: the planner asks
 * before reading (role, rollout, relationship) and again after (consent, Part 2).
 */
export interface PolicyFacts {
  readonly tenantId: string;
  readonly role: string;
  readonly userId?: string | null;
  readonly useCase: string;
  /** Relationships that hold between the requester and the client (service roles: none). */
  readonly relationships?: readonly Relationship[];
  readonly rollout: RolloutConfig;
  readonly breakGlass?: BreakGlass | null;
  /** Whether the practice requires a client's consent to AI-assisted processing. */
  readonly aiConsentRequired?: boolean;
  /** The AI-processing consent, when required and read. */
  readonly aiConsent?: ConsentFact;
  /** Whether the data read for the task are 42 CFR Part 2 data. */
  readonly part2?: boolean;
  /** The Part 2 consent for the use case's purpose, when Part 2 data were read. */
  readonly part2Consent?: ConsentFact;
  readonly now?: number;
}

/** A decision as data: audited, answered to the requester, printed by `carerelay policy check`. */
export interface PolicyDecision {
  readonly allowed: boolean;
  /** Stable code of the refusal; null when allowed. */
  readonly reasonCode: string | null;
  /** The rule that decided (`role.permitted`, `relationship.required`, `part2.consent`...). */
  readonly rule: string;
  readonly purposeOfUse: PurposeOfUse;
  /** Allowed only by a clinician's break-glass override. */
  readonly breakGlass: boolean;
  readonly part2: boolean;
  /** The consent a Part 2 disclosure rests on. */
  readonly consentRef: string | null;
}

const deny = (
  facts: PolicyFacts,
  purpose: PurposeOfUse,
  rule: string,
  reasonCode: string,
): PolicyDecision => ({
  allowed: false,
  reasonCode,
  rule,
  purposeOfUse: purpose,
  breakGlass: false,
  part2: facts.part2 === true,
  consentRef: null,
});

/** Minimum length of a break-glass reason: a word or two is not a justification. */
export const BREAK_GLASS_MIN_REASON = 10;

/**
 * Decides one request against the catalogue. Rules run in a fixed order and the first that
 * refuses decides; everything not allowed is denied (fail closed).
 */
export function decide(facts: PolicyFacts): PolicyDecision {
  if (!(USE_CASES as string[]).includes(facts.useCase))
    return deny(facts, 'TREAT', 'catalogue.use_case', 'USE_CASE_UNKNOWN');
  const spec = CATALOGUE[facts.useCase as UseCase];
  const purpose = spec.purposeOfUse;

  if (!isRole(facts.role) || !USE_CASES.some((u) => CATALOGUE[u].access.some((a) => a.role === facts.role)))
    return deny(facts, purpose, 'role.permitted', 'ROLE_NOT_PERMITTED');
  const rule = spec.access.find((a) => a.role === facts.role);
  if (!rule) return deny(facts, purpose, 'role.permitted', 'USE_CASE_NOT_PERMITTED_FOR_ROLE');

  const rollout = rolloutFor(facts.rollout, facts.tenantId, spec.useCase);
  if (!rollout.enabled) return deny(facts, purpose, 'rollout.enabled', 'USE_CASE_NOT_ENABLED');
  if (rollout.pilotGroups && !SERVICE_ROLES.includes(facts.role)) {
    if (!facts.userId || !inPilotGroups(facts.rollout, rollout.pilotGroups, facts.userId))
      return deny(facts, purpose, 'rollout.pilot_group', 'NOT_IN_PILOT_GROUP');
  }

  let breakGlass = false;
  if (rule.relationships.length > 0 && facts.relationships !== undefined) {
    const holds = rule.relationships.some((r) => facts.relationships?.includes(r));
    if (!holds) {
      const glass = facts.breakGlass;
      const now = facts.now ?? Date.now();
      // Only a clinician, only for treatment, only with a real reason, only until it expires.
      if (!glass) return deny(facts, purpose, 'relationship.required', relationshipCode(rule.relationships));
      if (facts.role !== 'clinician' || purpose !== 'TREAT')
        return deny(facts, purpose, 'break_glass.scope', 'BREAK_GLASS_NOT_PERMITTED');
      if (glass.reason.trim().length < BREAK_GLASS_MIN_REASON)
        return deny(facts, purpose, 'break_glass.reason', 'BREAK_GLASS_REASON_REQUIRED');
      if (glass.expiresAt <= now) return deny(facts, purpose, 'break_glass.expiry', 'BREAK_GLASS_EXPIRED');
      breakGlass = true;
    }
  }

  if (spec.producer.kind === 'model' && spec.consent.includes('ai_processing') && facts.aiConsentRequired) {
    if (facts.aiConsent && !facts.aiConsent.granted)
      return deny(facts, purpose, 'consent.ai_processing', facts.aiConsent.reasonCode ?? 'AI_CONSENT_ABSENT');
  }

  let consentRef: string | null = null;
  if (facts.part2 === true) {
    if (spec.part2 === 'never') return deny(facts, purpose, 'part2.use_case', 'PART2_NOT_PERMITTED');
    const consent = facts.part2Consent;
    if (!consent) return deny(facts, purpose, 'part2.consent', 'PART2_CONSENT_ABSENT');
    if (!consent.granted)
      return {
        ...deny(facts, purpose, 'part2.consent', consent.reasonCode ?? 'PART2_CONSENT_ABSENT'),
        consentRef: consent.consentRef,
      };
    consentRef = consent.consentRef;
  }

  return {
    allowed: true,
    reasonCode: null,
    rule: breakGlass ? 'break_glass.override' : facts.part2 === true ? 'part2.consent' : 'allow',
    purposeOfUse: purpose,
    breakGlass,
    part2: facts.part2 === true,
    consentRef,
  };
}

function relationshipCode(needed: readonly Relationship[]): string {
  if (needed.includes('care_team')) return 'NOT_ON_CARE_TEAM';
  if (needed.includes('supervision')) return 'NOT_SUPERVISING';
  return 'RELATIONSHIP_REQUIRED';
}

/** The roles that may ask for a use case at all (the on-demand path picks the user's first). */
export function rolesFor(useCase: UseCase): readonly string[] {
  return CATALOGUE[useCase].access.map((a) => a.role);
}
