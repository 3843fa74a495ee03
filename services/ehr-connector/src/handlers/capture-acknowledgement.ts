import type { AuditFacts, AuditTrail } from '@carerelay/audit';
import type { AlertAcknowledgement } from '@carerelay/ehr';
import type { EhrChange } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { stableId } from '../domain/stable-id.js';

export interface AcknowledgementDeps {
  /**
   * The acknowledgement a Task records (a version id, when the change names one);
   * undefined when it is not a completed CareRelay alert-review Task.
   */
  readonly readAcknowledgement: (
    taskResourceId: string,
    versionId: string | null,
  ) => Promise<AlertAcknowledgement | undefined>;
  readonly audit: Pick<AuditTrail, 'record'>;
  readonly logger: Logger;
}

const MINUTE_MS = 60_000;

/**
 * Alert acknowledgement: a clinician completed the review Task writeback made for a
 * risk alert ("every alert needs acknowledgement, logged": DOMAIN.md, low-noise
 * alerting) → one ALERT_ACKNOWLEDGED audit event with ids, the acknowledging
 * practitioner and the minutes it took; never the Task's description or the alert's
 * evidence. A completed Task that is not a CareRelay alert records nothing.
 *
 * The audit store keeps one event per (tenant, eventId); the id derives from the Task
 * version that completed it, so a redelivered change, a later edit of the completed Task,
 * or the same completion reported by webhook and by poll is stored once. The read of the
 * Task is a PHI_ACCESS (OPERATIONS) of its own, every time.
 */
export async function captureAcknowledgement(
  change: EhrChange,
  deps: AcknowledgementDeps,
): Promise<Omit<AuditFacts, 'service'> | undefined> {
  if (change.changeType !== 'TASK_COMPLETED' || change.resourceType !== 'Task') return undefined;
  const ack = await deps.readAcknowledgement(change.resourceId, change.resourceVersion);
  // The Task was read from the EHR (a CareRelay alert's holds its evidence), ours or not.
  await deps.audit.record({
    tenantId: change.tenantId,
    clientId: ack?.clientId ?? change.clientId,
    taskId: ack?.taskId ?? null,
    correlationId: change.eventId,
    userId: ack?.acknowledgedBy ?? change.actorUserId ?? null,
    action: 'PHI_ACCESS',
    outcome: 'SUCCESS',
    purposeOfUse: 'OPERATIONS',
    description: ack
      ? `alert acknowledgement: Task read (${ack.acknowledgementRef})`
      : `alert acknowledgement: Task/${change.resourceId} read, not a CareRelay alert`,
  });
  if (!ack) return undefined;
  const counts: Record<string, number> =
    ack.raisedAt === null
      ? {}
      : { minutesToAcknowledge: Math.max(0, Math.round((ack.acknowledgedAt - ack.raisedAt) / MINUTE_MS)) };
  const event: Omit<AuditFacts, 'service'> = {
    eventId: stableId('ack', change.tenantId, ack.acknowledgementRef),
    // When the EHR says it was completed: an editable claim, kept apart from the event's time.
    ehrOccurredAt: ack.acknowledgedAt,
    tenantId: change.tenantId,
    clientId: ack.clientId,
    taskId: ack.taskId,
    correlationId: change.eventId,
    userId: ack.acknowledgedBy ?? change.actorUserId ?? null,
    role: 'clinician',
    action: 'ALERT_ACKNOWLEDGED',
    outcome: 'SUCCESS',
    // Ids only: the alert and the Task version that acknowledged it.
    description: `alert ${ack.alertId} acknowledged: ${ack.acknowledgementRef}`,
    counts,
  };
  await deps.audit.record(event);
  deps.logger.info(
    { correlationId: change.eventId, taskId: ack.taskId, alertId: ack.alertId },
    'alert acknowledged',
  );
  return event;
}
