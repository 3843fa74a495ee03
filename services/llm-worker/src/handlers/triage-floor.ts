import type { AuditFacts, AuditTrail } from '@carerelay/audit';
import type { AiRequest, DeidentifiedContext } from '@carerelay/events';
import { applyTriageFloor, type TriageFloorDecision } from '@carerelay/llm';
import type { Logger } from '@carerelay/logger';

export const TRIAGE_RAISED_BY_RULES = 'TRIAGE_RAISED_BY_RULES';
/** Evidence spans carried by offsets in the audit record; the rest is counted. */
const AUDITED_SPANS = 10;
const TRIAGE_USE_CASE = 'message_triage';

export interface TriageFloorDeps {
  readonly audit: AuditTrail;
  readonly logger: Logger;
}

/**
 * The rules floor under the model's message triage, after its output passed the schema and
 * before the draft is cached and published: risk language in the client's messages (or a
 * positive PHQ-9 item 9) raises the category and urgency, never lowers them. A raise is
 * written in the draft's rationale and audited (codes, counts, offsets; never text). Other
 * use cases pass through untouched.
 */
export async function floorTriage(
  request: AiRequest,
  value: unknown,
  context: DeidentifiedContext,
  deps: TriageFloorDeps,
): Promise<unknown> {
  if (request.useCase !== TRIAGE_USE_CASE || value === null || typeof value !== 'object') return value;
  const { draft, decision } = applyTriageFloor(value as Record<string, unknown>, context);
  if (!decision.raised) return value;
  await deps.audit.record(triageFloorAudit(request, decision));
  deps.logger.info(
    { taskId: request.taskId, reasonCode: TRIAGE_RAISED_BY_RULES },
    'rules raised the model triage',
  );
  return draft;
}

/**
 * The audit record of a raise: from and to (template enum values), why (reason codes), and the
 * evidence as message index and UTF-16 offsets into the de-identified text.
 */
export function triageFloorAudit(
  request: Pick<AiRequest, 'tenantId' | 'taskId' | 'purposeOfUse' | 'useCase'>,
  decision: TriageFloorDecision,
): Omit<AuditFacts, 'service'> {
  const { floor, from, triage } = decision;
  const spans = floor.evidence.slice(0, AUDITED_SPANS);
  const counts: Record<string, number> = {
    signals: floor.evidence.length,
    messagesWithRisk: new Set(floor.evidence.map((e) => e.message)).size,
    phq9Item9Positive: floor.phq9Item9Positive ? 1 : 0,
    urgencyRaised: decision.urgencyRaised ? 1 : 0,
    categoryRaised: decision.categoryRaised ? 1 : 0,
  };
  spans.forEach((e, i) => {
    counts[`evidence.${i}.message`] = e.message;
    counts[`evidence.${i}.start`] = e.start;
    counts[`evidence.${i}.end`] = e.end;
  });
  return {
    tenantId: request.tenantId,
    taskId: request.taskId,
    purposeOfUse: request.purposeOfUse,
    useCase: request.useCase,
    action: 'POLICY_DECISION',
    outcome: 'SUCCESS',
    reasonCode: TRIAGE_RAISED_BY_RULES,
    description:
      `rule triage.floor; ${floor.reasons.join(',')}; ` +
      `urgency ${from.urgency}->${triage.urgency}; category ${from.category}->${triage.category}; ` +
      `evidence ${spans.map((e) => e.kind).join(',') || 'none'}`,
    counts,
  };
}
