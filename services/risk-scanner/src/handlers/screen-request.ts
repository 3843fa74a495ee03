import { createHash } from 'node:crypto';
import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import { CareRelayError } from '@carerelay/errors';
import type { AiRequest, DeidentifiedContext, RiskAlert } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { PART2_LABEL } from '@carerelay/policy';
import type { AlertDedup, DedupVerdict } from '../domain/alert-dedup.js';
import { RULE_VERSION, SEVERITY_RANK, screenContext, type RiskFinding } from '../domain/screen.js';

export interface ScreenDeps {
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly dedup: AlertDedup;
  readonly publish: (alert: RiskAlert) => Promise<void>;
  /** One alert per client and trigger inside this window (RISK_DEDUP_WINDOW_MS). */
  readonly riskWindowMs: number;
  /** One plan-review flag per client and instrument inside this window. */
  readonly planReviewWindowMs: number;
  readonly stagnationSessions?: number;
  readonly now?: () => number;
}

/** Same task, same trigger → same alert id: a redelivered request raises the same alert. */
export const alertIdOf = (request: Pick<AiRequest, 'tenantId' | 'taskId'>, finding: RiskFinding): string =>
  createHash('sha256')
    .update(`${request.tenantId}\u0000${request.taskId}\u0000${finding.scope}`)
    .digest('hex')
    .slice(0, 32);

function contextOf(request: AiRequest): DeidentifiedContext {
  try {
    return JSON.parse(request.deidentifiedContext) as DeidentifiedContext;
  } catch (cause) {
    throw new CareRelayError('RISK_CONTEXT_MALFORMED', 'deidentifiedContext is not JSON', {
      retryable: false,
      cause,
    });
  }
}

/**
 * ai.request.v1 → risk.alert.v1: screen every de-identified request read for treatment (a
 * payment task's times and codes are not repurposed), raise one alert per finding unless an
 * alert at least as severe holds the client's window, and audit what was screened (counts and
 * triggers, never text). The screening never sees an identifier: it reads the tokenized context.
 */
export async function screenRequest(delivery: Delivery<AiRequest>, deps: ScreenDeps): Promise<void> {
  const request = delivery.value;
  if (request.purposeOfUse !== 'TREATMENT') return;
  const now = deps.now ?? Date.now;
  const context = contextOf(request);
  const findings = screenContext(context, { stagnationSessions: deps.stagnationSessions });
  const part2 = request.securityLabels.includes(PART2_LABEL);
  const base = { tenantId: request.tenantId, taskId: request.taskId, useCase: request.useCase, part2 };

  const verdicts: Record<DedupVerdict, number> = { new: 0, same: 0, escalation: 0, duplicate: 0 };
  let raised = 0;
  for (const finding of findings) {
    const alert: RiskAlert = {
      alertId: alertIdOf(request, finding),
      taskId: request.taskId,
      tenantId: request.tenantId,
      subjectRef: request.subjectRef,
      severity: finding.severity,
      interrupting: finding.interrupting,
      trigger: finding.trigger,
      evidence: [...finding.evidence],
      dedupKey: `${request.subjectRef}:${finding.scope}`,
      ruleVersion: RULE_VERSION,
      raisedAt: now(),
      securityLabels: [...request.securityLabels],
      consentRef: request.consentRef,
    };
    const verdict = await admit(alert, finding, deps);
    verdicts[verdict] += 1;
    if (verdict === 'duplicate') continue;
    await deps.publish(alert);
    raised += 1;
  }
  await deps.audit.record({
    ...base,
    action: 'OTHER',
    outcome: 'SUCCESS',
    reasonCode:
      raised > 0 ? 'RISK_ALERT_RAISED' : findings.length > 0 ? 'RISK_ALERT_DEDUPLICATED' : 'RISK_SCREENED',
    templateVersion: RULE_VERSION,
    description:
      findings.length === 0
        ? 'screened: no finding'
        : `screened: ${findings.map((f) => `${f.trigger}/${f.severity}${f.interrupting ? '/interrupting' : ''}`).join(', ')}`,
    counts: {
      findings: findings.length,
      raised,
      deduplicated: verdicts.duplicate,
      escalations: verdicts.escalation,
      redelivered: verdicts.same,
    },
  });
  deps.logger.info(
    { taskId: request.taskId, findings: findings.length, raised, deduplicated: verdicts.duplicate },
    'request screened',
  );
}

/**
 * The dedup window's verdict. Redis down is not a reason to miss an alert: the alert is raised
 * (a duplicate Flag is a nuisance, a missed one is harm) and the outage is audited.
 */
async function admit(alert: RiskAlert, finding: RiskFinding, deps: ScreenDeps): Promise<DedupVerdict> {
  try {
    return await deps.dedup.admit({
      tenantId: alert.tenantId,
      dedupKey: alert.dedupKey,
      alertId: alert.alertId,
      rank: SEVERITY_RANK[alert.severity],
      windowMs: finding.window === 'plan_review' ? deps.planReviewWindowMs : deps.riskWindowMs,
    });
  } catch (err) {
    await deps.audit.record({
      tenantId: alert.tenantId,
      taskId: alert.taskId,
      action: 'DEPENDENCY_UNAVAILABLE',
      outcome: 'FAILURE',
      reasonCode: 'RISK_DEDUP_UNAVAILABLE',
      description: `alert deduplication store unavailable (${err instanceof Error ? err.name : 'error'}); alert raised without it`,
    });
    deps.logger.warn(
      { taskId: alert.taskId, alertId: alert.alertId },
      'dedup store unavailable; alert raised',
    );
    return 'new';
  }
}
