import type { RiskAlert, RiskSeverity, RiskTrigger } from '@carerelay/events';
import type { VaultEntry } from '@carerelay/phi';
import {
  AI_LABEL_EXTENSION,
  AI_LABEL_SYSTEM,
  ALERT_IDENTIFIER_SYSTEM,
  RULE_SET_SYSTEM,
  TASK_IDENTIFIER_SYSTEM,
  identifierQuery,
  unresolvedExtensions,
  writebackProvenance,
  type Flag,
  type Provenance,
  type Task,
} from './fhir-resources.js';
import { TokenResolver } from './token-resolver.js';
import { isPart2, part2Security, type PART2_SECURITY } from './part2.js';

/** Shown on every alert record: the rules flag a signal for a clinician; they do not diagnose. */
export const ALERT_LABEL =
  'AI-Assisted risk alert: a screening signal, not a diagnosis. Clinician review and acknowledgement required.';
export const REVIEW_TASK_CODE_TEXT = 'Review AI risk alert';
export const EVIDENCE_EXTENSION = 'urn:carerelay:fhir:extension:risk-evidence';
export const RISK_TRIGGER_SYSTEM = 'urn:carerelay:risk-trigger';

const ALERT_TAGS = [
  { system: AI_LABEL_SYSTEM, code: 'AI-ASSISTED', display: 'AI-Assisted' },
  { system: AI_LABEL_SYSTEM, code: 'NON-DIAGNOSTIC', display: 'Non-diagnostic screening signal' },
];

const SEVERITY_TEXT: Record<RiskSeverity, string> = {
  LOW: 'Low',
  MODERATE: 'Moderate',
  HIGH: 'High',
  IMMINENT: 'Imminent',
};

/** The trigger in plain words (DOMAIN.md, Instruments: PHQ-9 item 9, C-SSRS bands, intent/plan language). */
export const TRIGGER_TEXT: Record<RiskTrigger, string> = {
  PHQ9_ITEM9: 'PHQ-9 item 9 (thoughts of death or self-harm) answered above 0; same-day follow-up',
  CSSRS_HIGH:
    'C-SSRS screen high risk (suicidal intent or plan, or suicidal behavior in the past 3 months); immediate evaluation',
  CSSRS_MODERATE:
    'C-SSRS screen moderate risk (suicidal thoughts with a method, or lifetime suicidal behavior)',
  CSSRS_LOW: 'C-SSRS screen low risk (wish to be dead or suicidal thoughts only)',
  INTENT_OR_PLAN_LANGUAGE: 'language stating suicidal intent or a plan',
  TEXT_SIGNAL: 'possible risk language in the record',
  OUTCOME_STAGNATION:
    'no reliable change in PHQ-9 or GAD-7 scores over recent sessions; review the treatment plan',
};

/**
 * "High risk: PHQ-9 item 9 (…) answered above 0; same-day follow-up". A stagnation flag is
 * not a risk of harm: "Plan review: no reliable change …".
 */
export const alertTitle = (alert: Pick<RiskAlert, 'severity' | 'trigger'>): string =>
  alert.trigger === 'OUTCOME_STAGNATION'
    ? `Plan review: ${TRIGGER_TEXT[alert.trigger]}`
    : `${SEVERITY_TEXT[alert.severity]} risk: ${TRIGGER_TEXT[alert.trigger]}`;

export const alertIdentifier = (alertId: string) => ({ system: ALERT_IDENTIFIER_SYSTEM, value: alertId });
/** `identifier=urn:carerelay:alert|<alertId>`: the If-None-Exist query of the Flag and of the Task. */
export const alertQuery = (alertId: string): string => identifierQuery(ALERT_IDENTIFIER_SYSTEM, alertId);
export const alertTag = (alertId: string) => ({ system: ALERT_IDENTIFIER_SYSTEM, code: alertId });

export interface AlertEvidence {
  /** One line per span: the re-identified excerpt and the context field it came from. */
  readonly lines: readonly string[];
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/**
 * Re-identifies the evidence excerpts. Without a vault entry (purged after the
 * task's draft was written) every token stays as written and is listed: a visible
 * placeholder, never a guess.
 */
export function reidentifyEvidence(
  evidence: RiskAlert['evidence'],
  entry: VaultEntry | undefined,
): AlertEvidence {
  const tokens = new TokenResolver(entry);
  const lines = evidence.map((span) => `"${tokens.resolve(span.excerpt)}" (${span.field})`);
  return { lines, unresolved: tokens.unresolved, replaced: tokens.replaced };
}

/** The AI-Assisted tags and, for an alert derived from Part 2 data, the 42CFRPart2 label. */
function alertMeta(alert: RiskAlert): { tag: typeof ALERT_TAGS; security?: Array<typeof PART2_SECURITY> } {
  return { tag: ALERT_TAGS, ...part2Security(isPart2(alert.securityLabels)) };
}

export interface AlertInput {
  readonly alert: RiskAlert;
  readonly clientId: string;
  readonly evidence: AlertEvidence;
}

/** An active Flag on the client: the alert itself, with its evidence. */
export function riskFlag({ alert, clientId, evidence }: AlertInput): Flag {
  return {
    resourceType: 'Flag',
    meta: alertMeta(alert),
    extension: [
      { url: AI_LABEL_EXTENSION, valueString: ALERT_LABEL },
      ...evidence.lines.map((line) => ({ url: EVIDENCE_EXTENSION, valueString: line })),
      ...unresolvedExtensions(evidence.unresolved),
    ],
    identifier: [alertIdentifier(alert.alertId)],
    status: 'active',
    // A risk to the client's safety is clinical, whatever raised it: one category to filter on.
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/flag-category',
            code: 'clinical',
            display: 'Clinical',
          },
        ],
      },
    ],
    code: {
      coding: [{ system: RISK_TRIGGER_SYSTEM, code: alert.trigger }],
      text: `${alertTitle(alert)} (AI-Assisted, non-diagnostic)`,
    },
    subject: { reference: `Patient/${clientId}` },
    period: { start: new Date(alert.raisedAt).toISOString() },
  };
}

/** The text a clinician acknowledges: what was found, where, and that it is not a diagnosis. */
export function reviewDescription(alert: RiskAlert, evidence: AlertEvidence): string {
  const lines = [ALERT_LABEL, alertTitle(alert), 'Evidence:', ...evidence.lines.map((l) => `- ${l}`)];
  if (evidence.lines.length === 0) lines.push('- (none recorded)');
  if (evidence.unresolved.length > 0) {
    lines.push(`Unresolved tokens (left as written): ${evidence.unresolved.join(', ')}`);
  }
  lines.push(`Rule set: risk@${alert.ruleVersion}`);
  return lines.join('\n');
}

/**
 * The Task that makes an interrupting alert wait for a clinician: every alert
 * needs an acknowledgement (DOMAIN.md, low-noise alerting), and only validated
 * triggers interrupt. It names the alert and the CareRelay task that raised it, so
 * the connector can audit its completion (ALERT_ACKNOWLEDGED) against both.
 */
export function riskReviewTask(input: AlertInput & { readonly flagRef: string; readonly now: number }): Task {
  const { alert, clientId, evidence } = input;
  return {
    resourceType: 'Task',
    meta: alertMeta(alert),
    extension: [
      { url: AI_LABEL_EXTENSION, valueString: ALERT_LABEL },
      ...unresolvedExtensions(evidence.unresolved),
    ],
    // The conditional create matches on the alert identifier only; the task id correlates.
    identifier: [alertIdentifier(alert.alertId), { system: TASK_IDENTIFIER_SYSTEM, value: alert.taskId }],
    status: 'requested',
    intent: 'order',
    priority: alert.severity === 'HIGH' || alert.severity === 'IMMINENT' ? 'stat' : 'urgent',
    code: { text: REVIEW_TASK_CODE_TEXT },
    description: reviewDescription(alert, evidence),
    focus: { reference: input.flagRef },
    for: { reference: `Patient/${clientId}` },
    authoredOn: new Date(input.now).toISOString(),
  };
}

/** Agent = the risk rule engine at its version; the rule set is what the alert derives from. */
export function alertProvenance(alert: RiskAlert, targets: readonly string[], now: number): Provenance {
  return writebackProvenance({
    tag: alertTag(alert.alertId),
    targets,
    agent: `CareRelay risk rules ${alert.ruleVersion}`,
    entity: {
      system: RULE_SET_SYSTEM,
      value: `risk@${alert.ruleVersion}`,
      display: `risk rule set ${alert.ruleVersion}`,
    },
    now,
  });
}
