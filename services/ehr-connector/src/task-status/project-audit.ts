import { deadLetterFacts, type AuditTrail } from '@carerelay/audit';
import type { Delivery, RetryPolicy } from '@carerelay/bus';
import { auditEventTopic, type AuditEvent } from '@carerelay/events';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { applyAuditEvent, queueTask, type QueuedTask } from './task-status.js';
import type { TaskStatusStore } from './task-status-store.js';

/**
 * Applies one audit event to its task's status. Events without a task id are skipped. A
 * redelivery is harmless: the reducer never moves a task back. A store outage throws the
 * store's retryable error, so the consumer retries.
 */
export async function projectAuditEvent(event: AuditEvent, store: TaskStatusStore): Promise<void> {
  const { taskId } = event;
  if (taskId === null) return;
  await store.update(event.tenantId, taskId, (prev) => applyAuditEvent(prev, event));
}

/**
 * An accepted on-demand request, written before the planner has said anything (call it once
 * the change is published). A task the projection already moved on keeps its state.
 */
export async function markQueued(store: TaskStatusStore, queued: QueuedTask): Promise<void> {
  await store.update(queued.tenantId, queued.taskId, (prev) => queueTask(prev, queued));
}

export interface TaskStatusProjectionOptions {
  readonly store: TaskStatusStore;
  /** Its own consumer group (e.g. `ehr-connector.task-status`): it reads every audit event. */
  readonly groupId: string;
  readonly fromBeginning?: boolean;
  readonly retry: Partial<RetryPolicy>;
  /** Where a dead-lettered projection is audited. */
  readonly audit: AuditTrail;
}

/**
 * The task-status projection as a consumer of `audit.event.v1`: every service already audits
 * what it does with the task id, so none needs code to report a status. A projection that
 * dead-letters is audited without the task id: the projection failed, the task did not (with
 * its id, the TASK_DEAD_LETTERED would itself be projected as the task's dead letter).
 */
export function createTaskStatusProjection(
  context: ServiceContext,
  options: TaskStatusProjectionOptions,
): ServiceApp {
  return createConsumerApp(context, {
    name: options.groupId,
    consumes: auditEventTopic,
    produces: [],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    retry: options.retry,
    handler: (delivery: Delivery<AuditEvent>) => projectAuditEvent(delivery.value, options.store),
    onDeadLetter: (letter) =>
      options.audit.record({
        ...deadLetterFacts(letter),
        taskId: null,
        description: 'task status projection: an audit event was not projected',
      }),
  });
}
