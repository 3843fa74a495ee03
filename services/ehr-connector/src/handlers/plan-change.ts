import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import { sealEnvelope, type KeyProvider } from '@carerelay/crypto';
import type { EhrAdapter } from '@carerelay/ehr';
import { CareRelayError } from '@carerelay/errors';
import {
  PayloadCodec,
  taskContextPayload,
  USE_CASE_VALUES,
  type AiTask,
  type EhrChange,
  type UseCase,
} from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import {
  CATALOGUE,
  decide,
  PURPOSE_EVENT_VALUE,
  rolloutFor,
  useCaseForChange,
  type NoteFormat,
  type PolicyDecision,
} from '@carerelay/policy';
import { stableId } from '../domain/stable-id.js';
import { taskIdForChange } from '../domain/task-identity.js';
import type { TaskClaims } from '../task-claims.js';
import { actingRole, consentFacts, decideRequest, type TaskPolicyDeps } from '../policy/task-policy.js';
import { captureAcknowledgement, type AcknowledgementDeps } from './capture-acknowledgement.js';
import { captureReview, type ReviewDeps } from './capture-review.js';

export interface PlanDeps {
  readonly adapter: EhrAdapter;
  /** The policy engine's inputs: rollout, consents, break-glass grants, relationships. */
  readonly policy: TaskPolicyDeps;
  readonly keys: KeyProvider;
  /** Once per task: claimed before any PHI is read (Redis in distributed mode). */
  readonly claims: TaskClaims;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly publishTask: (task: AiTask) => Promise<void>;
  readonly noteFormat: NoteFormat;
  /** Review capture on NOTE_SIGNED (absent: signed notes only plan coding). */
  readonly review?: Omit<ReviewDeps, 'audit'>;
  /** Alert acknowledgement audit on TASK_COMPLETED (absent: such changes are consumed and ignored). */
  readonly acknowledgement?: Omit<AcknowledgementDeps, 'logger'>;
}

const contextCodec = new PayloadCodec(taskContextPayload);

export { taskIdFor, taskIdForChange, taskSubject } from '../domain/task-identity.js';
export type { TaskIdentity } from '../domain/task-identity.js';

function requestedUseCase(value: string): UseCase {
  if ((USE_CASE_VALUES as readonly string[]).includes(value)) return value as UseCase;
  throw new CareRelayError('CHANGE_USE_CASE_UNKNOWN', 'requestedUseCase is not a known use case', {
    retryable: false,
  });
}

/** The task's context, only what the use case may read; every resource is checked to be about the client. */
function readOwnContext(
  change: EhrChange,
  useCase: UseCase,
  deps: PlanDeps,
): ReturnType<EhrAdapter['readTaskContext']> {
  return deps.adapter.readTaskContext({
    clientId: change.clientId,
    encounterId: change.encounterId ?? undefined,
    reads: CATALOGUE[useCase].reads,
    // The questionnaire that arrived is the one validated risk triggers are raised on.
    subjectRef: `${change.resourceType}/${change.resourceId}`,
  });
}

/** Audit facts of a decision: the purpose it was decided for, the rule, and the consent it rests on. */
function decisionFacts(decision: PolicyDecision): {
  outcome: 'SUCCESS' | 'DENIED';
  reasonCode: string;
  purposeOfUse: string;
  part2: boolean;
} {
  return {
    outcome: decision.allowed ? 'SUCCESS' : 'DENIED',
    reasonCode: decision.reasonCode ?? (decision.breakGlass ? 'BREAK_GLASS_OVERRIDE' : 'PERMITTED'),
    purposeOfUse: PURPOSE_EVENT_VALUE[decision.purposeOfUse],
    part2: decision.part2,
  };
}

const describeDecision = (useCase: UseCase, decision: PolicyDecision): string =>
  `use case ${useCase}; rule ${decision.rule}` +
  (decision.consentRef ? `; consent ${decision.consentRef}` : '');

/**
 * ehr.change.v1 → ai.task.v1: plan the use case, claim the task (once per task id, before
 * anything is read), check access, read the minimum-necessary context, seal it (AES-256-GCM
 * envelope bound to tenant and task) and publish. Every decision and every PHI read is audited.
 */
export async function planChange(delivery: Delivery<EhrChange>, deps: PlanDeps): Promise<void> {
  const change = delivery.value;
  // A Consent changed in the EHR: the next task reads it afresh (a revocation is honoured at once).
  if (change.resourceType === 'Consent') deps.policy.consents.invalidate(change.tenantId, change.clientId);
  if (deps.review) await captureReview(change, { ...deps.review, audit: deps.audit });
  if (deps.acknowledgement) {
    await captureAcknowledgement(change, { ...deps.acknowledgement, logger: deps.logger });
  }
  const useCase = change.requestedUseCase
    ? requestedUseCase(change.requestedUseCase)
    : useCaseForChange(change.changeType, deps.noteFormat);
  if (!useCase) return;
  // A use case the tenant has not turned on is not planned from EHR events at all: nobody
  // asked, nothing is read. (Asked for on demand, it is a refusal, decided and audited.)
  if (
    !change.requestedUseCase &&
    !rolloutFor(deps.policy.rollout.current(), change.tenantId, useCase).enabled
  ) {
    deps.logger.debug({ useCase, changeEventId: change.eventId }, 'use case not enabled for the tenant');
    return;
  }
  const taskId = taskIdForChange(change, useCase);
  // Before the care-team check and the context read: a duplicate reads nothing from the EHR.
  if ((await deps.claims.claim(change.tenantId, taskId, change.eventId)) === 'duplicate') {
    await duplicateIgnored(change, useCase, taskId, deps);
    return;
  }
  let published: boolean;
  try {
    published = await planClaimed(change, useCase, taskId, deps);
  } catch (err) {
    // Let the retry (or another change) claim it again; a failed release only leaves the
    // claim pending for this change, which its own retry resumes.
    await deps.claims.release(change.tenantId, taskId, change.eventId).catch(() => undefined);
    throw err;
  }
  if (published) await deps.claims.planned(change.tenantId, taskId, change.eventId);
  else await deps.claims.release(change.tenantId, taskId, change.eventId);
}

/**
 * A change for a task already planned (or being planned by another change): acknowledged,
 * logged and audited with ids only. The audit event's identity derives from the change, so
 * a redelivered duplicate is stored once.
 */
async function duplicateIgnored(
  change: EhrChange,
  useCase: UseCase,
  taskId: string,
  deps: PlanDeps,
): Promise<void> {
  deps.logger.info(
    { taskId, useCase, changeEventId: change.eventId, source: change.source },
    'duplicate change ignored',
  );
  await deps.audit.record({
    eventId: stableId('duplicate', change.tenantId, taskId, change.eventId),
    tenantId: change.tenantId,
    clientId: change.clientId,
    taskId,
    correlationId: change.eventId,
    userId: change.actorUserId,
    role: change.actorRole,
    useCase,
    action: 'OTHER',
    outcome: 'SUCCESS',
    reasonCode: 'DUPLICATE_CHANGE_IGNORED',
    description: `${change.source} change for an already planned task`,
  });
}

/** Plans a claimed task; true when an ai.task was published, false when nothing is to be sent. */
async function planClaimed(
  change: EhrChange,
  useCase: UseCase,
  taskId: string,
  deps: PlanDeps,
): Promise<boolean> {
  const practitioner = change.actorUserId;
  const role = actingRole(change);
  const base = {
    tenantId: change.tenantId,
    clientId: change.clientId,
    correlationId: change.eventId,
    taskId,
    userId: practitioner,
    role,
    useCase,
  };
  if (change.source === 'ON_DEMAND' && change.redraft) {
    await deps.audit.record({
      ...base,
      eventId: stableId('redraft', change.tenantId, taskId),
      action: 'OTHER',
      outcome: 'SUCCESS',
      reasonCode: 'REDRAFT_REQUESTED',
      description: `redraft of task ${taskIdForChange({ ...change, redraft: false }, useCase)}`,
    });
  }
  // A resource that is not about the client (an encounter paired with another client, a
  // search answered with someone else's records) is a decided refusal, not a crash:
  // audited, nothing published, not dead-lettered.
  const refusedMismatch = async (err: unknown): Promise<undefined> => {
    if (!(err instanceof CareRelayError) || err.code !== 'EHR_SUBJECT_MISMATCH') throw err;
    await deps.audit.record({
      ...base,
      action: 'POLICY_DECISION',
      outcome: 'DENIED',
      reasonCode: err.code,
      description: err.message,
    });
    deps.logger.warn(
      { taskId, errorCode: err.code },
      'task refused: a resource read is not about the client',
    );
    return undefined;
  };
  const asked = await decideRequest(
    { ...base, userId: practitioner, encounterId: change.encounterId },
    deps.policy,
  ).catch(refusedMismatch);
  if (!asked) return false;
  const { decision, facts } = asked;
  await deps.audit.record({
    ...base,
    action: 'POLICY_DECISION',
    ...decisionFacts(decision),
    description: describeDecision(useCase, decision),
  });
  if (!decision.allowed) {
    deps.logger.info(
      { taskId, useCase, reasonCode: decision.reasonCode, rule: decision.rule },
      'task refused',
    );
    return false;
  }

  const read = await readOwnContext(change, useCase, deps).catch(refusedMismatch);
  if (!read) return false;
  const part2 = read.part2.part2;
  await deps.audit.record({
    ...base,
    action: 'PHI_ACCESS',
    outcome: 'SUCCESS',
    purposeOfUse: PURPOSE_EVENT_VALUE[decision.purposeOfUse],
    part2,
    counts: { resources: read.sourceRefs.length, excludedNotes: read.excluded.length },
  });

  // After the read: the consents the data call for (AI processing, 42 CFR Part 2).
  let consentRef: string | null = null;
  const withConsent = await consentFacts(facts, read, change.clientId, deps.policy);
  if (withConsent.part2Consent || withConsent.aiConsent) {
    const after = decide(withConsent);
    await deps.audit.record({
      ...base,
      action: 'CONSENT_CHECK',
      ...decisionFacts(after),
      description: describeDecision(useCase, after),
    });
    if (!after.allowed) {
      deps.logger.info({ taskId, useCase, reasonCode: after.reasonCode }, 'task refused: consent');
      return false;
    }
    consentRef = after.consentRef;
  }
  const context = await sealEnvelope(contextCodec.encode(read.context), {
    tenantId: change.tenantId,
    aad: `${change.tenantId}:${taskId}`,
    keys: deps.keys,
  });
  await deps.publishTask({
    taskId,
    tenantId: change.tenantId,
    clientId: change.clientId,
    useCase,
    requestedBy: { userId: practitioner ?? 'ehr-connector', role },
    purposeOfUse: PURPOSE_EVENT_VALUE[decision.purposeOfUse],
    consentRef,
    changeEventId: change.eventId,
    encounterId: change.encounterId,
    securityLabels: read.securityLabels,
    sourceRefs: read.sourceRefs,
    context,
    createdAt: Date.now(),
  });
  deps.logger.info({ taskId, useCase, sources: read.sourceRefs.length }, 'task planned');
  return true;
}
