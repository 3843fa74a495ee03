import type { VendorChangeEvent, VendorEventType } from '@carerelay/ehr';
import type { ChangeType, EhrChange } from '@carerelay/events';
import { stableId } from '../domain/stable-id.js';

const CHANGE_TYPES: Readonly<Record<VendorEventType, ChangeType>> = {
  'session.ended': 'SESSION_ENDED',
  'intake.submitted': 'INTAKE_SUBMITTED',
  'message.received': 'MESSAGE_RECEIVED',
  'note.signed': 'NOTE_SIGNED',
  'plan.review_due': 'PLAN_REVIEW_DUE',
  'task.completed': 'TASK_COMPLETED',
  'consent.updated': 'OTHER',
  'assessment.completed': 'ASSESSMENT_COMPLETED',
};

/**
 * The event id of a vendor's delivery: the same vendor event id always maps to the same
 * id. (The task planned does not derive from it: a delivery repeated after the replay
 * window, or the same session also seen by polling, is the same task and is planned once.)
 */
export function webhookEventId(tenantId: string, vendor: string, vendorEventId: string): string {
  return stableId('webhook', tenantId, vendor, vendorEventId);
}

/** A verified signed-webhook event as `ehr.change.v1` (identifiers only, as received). */
export function changeFromWebhook(
  event: VendorChangeEvent,
  tenantId: string,
  vendor: string,
  now: number = Date.now(),
): EhrChange {
  return {
    eventId: webhookEventId(tenantId, vendor, event.eventId),
    tenantId,
    clientId: event.clientId,
    changeType: CHANGE_TYPES[event.type],
    source: 'WEBHOOK',
    vendor,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    resourceVersion: null,
    encounterId: event.encounterId ?? null,
    actorUserId: event.actorUserId ?? null,
    occurredAt: Date.parse(event.occurredAt),
    receivedAt: now,
    requestedUseCase: null,
    actorRole: null,
    redraft: false,
  };
}
