import { createHash } from 'node:crypto';
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
import { captureAcknowledgement, type AcknowledgementDeps } from './capture-acknowledgement.js';
import { captureReview, type ReviewDeps } from './capture-review.js';

export interface PlanDeps {
  readonly adapter: EhrAdapter;
  /** Whether the practitioner is on the client's active care team. */
  readonly onCareTeam: (clientId: string, practitionerId: string) => Promise<boolean>;
  readonly keys: KeyProvider;
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

/** The same change asking for the same use case always yields the same task id: redelivery is idempotent downstream. */
export function taskIdFor(tenantId: string, changeEventId: string, useCase: string): string {
  const h = createHash('sha256').update(`${tenantId}\u0000${changeEventId}\u0000${useCase}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

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
 * ehr.change.v1 → ai.task.v1: plan the use case, check access before any fetch,
 * read the minimum-necessary context, seal it (AES-256-GCM envelope bound to
 * tenant and task) and publish. Every decision and every PHI read is audited.
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
  const practitioner = change.actorUserId;
  // An authenticated ingress (POST /v1/tasks) names the role; the EHR names only a clinician.
  const role = change.actorRole ?? (practitioner ? 'clinician' : 'system');
  const onCareTeam = practitioner ? await deps.onCareTeam(change.clientId, practitioner) : false;
  const decision = decideAccess({ role, useCase, onCareTeam });
  const base = {
    tenantId: change.tenantId,
    clientId: change.clientId,
    correlationId: change.eventId,
    userId: practitioner,
    role,
    useCase,
  };
  await deps.audit.record({
    ...base,
    action: 'POLICY_DECISION',
    outcome: decision.allowed ? 'SUCCESS' : 'DENIED',
    reasonCode: decision.reason,
    description: `use case ${useCase}`,
  });
  if (!decision.allowed) return;

  const taskId = taskIdFor(change.tenantId, change.eventId, useCase);
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
  if (!read) return;
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
    return;
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
}
