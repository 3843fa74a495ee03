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
import { decideAccess } from '../domain/access.js';
import { useCaseFor, type NoteFormat } from '../domain/planner.js';
import { stableId } from '../domain/stable-id.js';
import { taskIdForChange } from '../domain/task-identity.js';
import type { TaskClaims } from '../task-claims.js';
import { captureAcknowledgement, type AcknowledgementDeps } from './capture-acknowledgement.js';
import { captureReview, type ReviewDeps } from './capture-review.js';

export interface PlanDeps {
  readonly adapter: EhrAdapter;
  /** Whether the practitioner is on the client's active care team. */
  readonly onCareTeam: (clientId: string, practitionerId: string) => Promise<boolean>;
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

/** The task's context; every resource in it is checked to be about the change's client. */
function readOwnContext(change: EhrChange, deps: PlanDeps): ReturnType<EhrAdapter['readTaskContext']> {
  return deps.adapter.readTaskContext({
    clientId: change.clientId,
    encounterId: change.encounterId ?? undefined,
  });
}

/**
 * ehr.change.v1 → ai.task.v1: plan the use case, claim the task (once per task id, before
 * anything is read), check access, read the minimum-necessary context, seal it (AES-256-GCM
 * envelope bound to tenant and task) and publish. Every decision and every PHI read is audited.
 */
export async function planChange(delivery: Delivery<EhrChange>, deps: PlanDeps): Promise<void> {
  const change = delivery.value;
  if (deps.review) await captureReview(change, { ...deps.review, audit: deps.audit });
  if (deps.acknowledgement) {
    await captureAcknowledgement(change, { ...deps.acknowledgement, logger: deps.logger });
  }
  const useCase = change.requestedUseCase
    ? requestedUseCase(change.requestedUseCase)
    : useCaseFor(change.changeType, deps.noteFormat);
  if (!useCase) return;
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
  // An authenticated ingress (POST /v1/tasks) names the role; the EHR names only a clinician.
  const role = change.actorRole ?? (practitioner ? 'clinician' : 'system');
  const base = {
    tenantId: change.tenantId,
    clientId: change.clientId,
    correlationId: change.eventId,
    userId: practitioner,
    role,
    useCase,
  };
  if (change.source === 'ON_DEMAND' && change.redraft) {
    await deps.audit.record({
      ...base,
      eventId: stableId('redraft', change.tenantId, taskId),
      taskId,
      action: 'OTHER',
      outcome: 'SUCCESS',
      reasonCode: 'REDRAFT_REQUESTED',
      description: `redraft of task ${taskIdForChange({ ...change, redraft: false }, useCase)}`,
    });
  }
  const onCareTeam = practitioner ? await deps.onCareTeam(change.clientId, practitioner) : false;
  const decision = decideAccess({ role, useCase, onCareTeam });
  await deps.audit.record({
    ...base,
    action: 'POLICY_DECISION',
    outcome: decision.allowed ? 'SUCCESS' : 'DENIED',
    reasonCode: decision.reason,
    description: `use case ${useCase}`,
  });
  if (!decision.allowed) return false;

  const read = await readOwnContext(change, deps).catch(async (err: unknown) => {
    if (!(err instanceof CareRelayError) || err.code !== 'EHR_SUBJECT_MISMATCH') throw err;
    // A decided refusal, not a crash: audited, nothing published, not dead-lettered.
    await deps.audit.record({
      ...base,
      taskId,
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
  });
  if (!read) return false;
  const part2 = read.securityLabels.includes('42CFRPart2');
  await deps.audit.record({
    ...base,
    taskId,
    action: 'PHI_ACCESS',
    outcome: 'SUCCESS',
    purposeOfUse: 'TREATMENT',
    part2,
    counts: { resources: read.sourceRefs.length },
  });
  if (part2) {
    // 42 CFR Part 2: no disclosure without a verified consent. Consent verification is the
    // policy engine's (a later issue); until then Part 2 records are never sent (fail closed).
    await deps.audit.record({
      ...base,
      taskId,
      action: 'CONSENT_CHECK',
      outcome: 'DENIED',
      part2,
      reasonCode: 'PART2_CONSENT_NOT_VERIFIED',
    });
    return false;
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
    purposeOfUse: useCase === 'coding' ? 'PAYMENT' : 'TREATMENT',
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
