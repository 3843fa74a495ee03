import { describe, expect, it } from 'vitest';
import { validateVendorEvent } from '@carerelay/ehr';
import { changeFromWebhook } from './vendor-change.js';

describe('vendor webhook events as ehr.change.v1', () => {
  it("a vendor's 'task.completed' (an alert-review Task done) is TASK_COMPLETED, identifiers as received", () => {
    const validation = validateVendorEvent({
      eventId: 'evt-41',
      type: 'task.completed',
      clientId: 'client-42',
      resourceType: 'Task',
      resourceId: 'task-9',
      occurredAt: '2025-03-14T16:12:00Z',
      actorUserId: 'clin-7',
    });
    if (!validation.ok) throw new Error(`rejected: ${validation.field} ${validation.reason}`);
    expect(changeFromWebhook(validation.event, 't1', 'acme-ehr', 1_000)).toMatchObject({
      tenantId: 't1',
      clientId: 'client-42',
      changeType: 'TASK_COMPLETED',
      source: 'WEBHOOK',
      resourceType: 'Task',
      resourceId: 'task-9',
      resourceVersion: null,
      actorUserId: 'clin-7',
      occurredAt: Date.UTC(2025, 2, 14, 16, 12),
      receivedAt: 1_000,
    });
  });
});
