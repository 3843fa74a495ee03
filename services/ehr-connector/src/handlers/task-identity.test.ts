import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EhrChange } from '@carerelay/events';
import { taskIdFor, taskIdForChange } from './plan-change.js';

/**
 * The documented task identity, written out independently of the code under test:
 * SHA-256 over 'carerelay-task', tenant, client, subject ("Type/id"), use case
 * (and for a redraft 'redraft' and its generation), NUL-separated, shown as a UUID.
 */
function expectedTaskId(parts: readonly string[]): string {
  const h = createHash('sha256')
    .update(['carerelay-task', ...parts].join('\u0000'))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function change(overrides: Partial<EhrChange>): EhrChange {
  return {
    eventId: 'evt-1',
    tenantId: 't1',
    clientId: 'client-a',
    changeType: 'SESSION_ENDED',
    source: 'POLL',
    vendor: 'fhir-r4',
    resourceType: 'Encounter',
    resourceId: 'enc-1',
    resourceVersion: '2',
    encounterId: 'enc-1',
    actorUserId: 'clin-1',
    occurredAt: 1,
    receivedAt: 2,
    requestedUseCase: null,
    actorRole: null,
    redraft: false,
    ...overrides,
  };
}

describe('task identity: tenant, client, encounter (or resource) and use case; never the event', () => {
  it('is the SHA-256 of the documented parts', () => {
    expect(taskIdFor({ tenantId: 't1', clientId: 'c1', subject: 'Encounter/e1', useCase: 'soap_note' })).toBe(
      expectedTaskId(['t1', 'c1', 'Encounter/e1', 'soap_note']),
    );
    expect(
      taskIdFor({
        tenantId: 't1',
        clientId: 'c1',
        subject: 'Encounter/e1',
        useCase: 'soap_note',
        redraftGeneration: 'g-7',
      }),
    ).toBe(expectedTaskId(['t1', 'c1', 'Encounter/e1', 'soap_note', 'redraft', 'g-7']));
  });

  it('differs for another tenant, client, encounter or use case', () => {
    const base = { tenantId: 't1', clientId: 'c1', subject: 'Encounter/e1', useCase: 'soap_note' } as const;
    const ids = [
      taskIdFor(base),
      taskIdFor({ ...base, tenantId: 't2' }),
      taskIdFor({ ...base, clientId: 'c2' }),
      taskIdFor({ ...base, subject: 'Encounter/e2' }),
      taskIdFor({ ...base, useCase: 'dap_note' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a webhook, a poll and any later version of the same finished Encounter are one task', () => {
    const expected = expectedTaskId(['t1', 'client-a', 'Encounter/enc-1', 'soap_note']);
    const webhook = change({
      eventId: 'webhook-x',
      source: 'WEBHOOK',
      vendor: 'acme',
      resourceVersion: null,
    });
    const poll = change({ eventId: 'poll-y' });
    const edited = change({ eventId: 'poll-z', resourceVersion: '5', occurredAt: 99 });
    for (const c of [webhook, poll, edited]) expect(taskIdForChange(c, 'soap_note')).toBe(expected);
  });

  it('another client or encounter in the change is another task', () => {
    const a = taskIdForChange(change({}), 'soap_note');
    expect(taskIdForChange(change({ clientId: 'client-b' }), 'soap_note')).not.toBe(a);
    expect(taskIdForChange(change({ encounterId: 'enc-2', resourceId: 'enc-2' }), 'soap_note')).not.toBe(a);
  });

  it('without an encounter, the resource the use case is about', () => {
    const noEncounter = { encounterId: null } as const;
    // Coding of a signed note, intake extraction, message triage: the changed resource.
    expect(
      taskIdForChange(
        change({
          ...noEncounter,
          changeType: 'NOTE_SIGNED',
          resourceType: 'DocumentReference',
          resourceId: 'd1',
        }),
        'coding',
      ),
    ).toBe(expectedTaskId(['t1', 'client-a', 'DocumentReference/d1', 'coding']));
    expect(
      taskIdForChange(
        change({ changeType: 'INTAKE_SUBMITTED', resourceType: 'QuestionnaireResponse', resourceId: 'q1' }),
        'intake_extraction',
      ),
    ).toBe(expectedTaskId(['t1', 'client-a', 'QuestionnaireResponse/q1', 'intake_extraction']));
    // Each message is triaged on its own, even when the EHR links it to an encounter.
    expect(
      taskIdForChange(
        change({ changeType: 'MESSAGE_RECEIVED', resourceType: 'Communication', resourceId: 'm1' }),
        'message_triage',
      ),
    ).toBe(expectedTaskId(['t1', 'client-a', 'Communication/m1', 'message_triage']));
    // A plan review (webhook naming the CarePlan) and an on-demand plan without encounter: the client.
    const planReview = change({
      ...noEncounter,
      changeType: 'PLAN_REVIEW_DUE',
      resourceType: 'CarePlan',
      resourceId: 'cp1',
    });
    const onDemand = change({
      ...noEncounter,
      source: 'ON_DEMAND',
      changeType: 'OTHER',
      resourceType: 'Patient',
      resourceId: 'client-a',
      requestedUseCase: 'treatment_plan',
    });
    const plan = expectedTaskId(['t1', 'client-a', 'Patient/client-a', 'treatment_plan']);
    expect(taskIdForChange(planReview, 'treatment_plan')).toBe(plan);
    expect(taskIdForChange(onDemand, 'treatment_plan')).toBe(plan);
  });

  it('a redraft is a new task, generation = the redraft request event', () => {
    const redraft = change({ source: 'ON_DEMAND', eventId: 'ondemand-r1', redraft: true });
    expect(taskIdForChange(redraft, 'soap_note')).toBe(
      expectedTaskId(['t1', 'client-a', 'Encounter/enc-1', 'soap_note', 'redraft', 'ondemand-r1']),
    );
    expect(taskIdForChange({ ...redraft, eventId: 'ondemand-r2' }, 'soap_note')).not.toBe(
      taskIdForChange(redraft, 'soap_note'),
    );
  });
});
