import type { Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readAlertAcknowledgement } from './alert-acknowledgement.js';

/** One Task's history as an EHR returns it (newest first); each version gets an id and a time. */
function historyOf(...versions: ReadonlyArray<Omit<Task, 'resourceType' | 'intent'>>) {
  const stored: Task[] = versions.map((v, i) => ({
    resourceType: 'Task',
    intent: 'order',
    ...v,
    id: 'task-1',
    meta: { versionId: `v${i + 1}`, lastUpdated: new Date(Date.UTC(2025, 2, 14, 16, i)).toISOString() },
  }));
  return {
    history: <T>(_type: string, id: string): Promise<T[]> =>
      Promise.resolve((id === 'task-1' ? [...stored].reverse() : []) as T[]),
  };
}

const ALERT_TASK: Omit<Task, 'resourceType' | 'intent' | 'status'> = {
  identifier: [
    { system: 'urn:carerelay:alert', value: 'alert-7' },
    { system: 'urn:carerelay:task', value: 'carerelay-task-3' },
  ],
  for: { reference: 'Patient/pat-1' },
  authoredOn: '2025-03-14T15:30:00.000Z',
  description: 'High risk: PHQ-9 item 9 answered above 0',
};

describe('readAlertAcknowledgement', () => {
  it('a completed alert-review Task: alert, client, CareRelay task, owner, raised and completed times', async () => {
    const fhir = historyOf(
      { ...ALERT_TASK, status: 'requested' },
      {
        ...ALERT_TASK,
        status: 'completed',
        owner: { reference: 'Practitioner/prac-2' },
        executionPeriod: { end: '2025-03-14T16:12:00.000Z' },
      },
    );
    expect(await readAlertAcknowledgement(fhir, 'task-1')).toEqual({
      acknowledgementRef: 'Task/task-1/_history/v2',
      alertId: 'alert-7',
      clientId: 'pat-1',
      taskId: 'carerelay-task-3',
      acknowledgedBy: 'prac-2',
      raisedAt: Date.UTC(2025, 2, 14, 15, 30),
      acknowledgedAt: Date.UTC(2025, 2, 14, 16, 12),
    });
  });

  it('a later edit of the completed Task names the same acknowledgement (the version that completed it)', async () => {
    const fhir = historyOf(
      { ...ALERT_TASK, status: 'requested' },
      { ...ALERT_TASK, status: 'completed', owner: { reference: 'Practitioner/prac-2' } },
      { ...ALERT_TASK, status: 'completed', owner: { reference: 'Practitioner/prac-9' } },
    );
    const byCurrent = await readAlertAcknowledgement(fhir, 'task-1');
    const byVersion = await readAlertAcknowledgement(fhir, 'task-1', 'v3');
    expect(byCurrent).toMatchObject({
      acknowledgementRef: 'Task/task-1/_history/v2',
      acknowledgedBy: 'prac-2',
      // No executionPeriod.end: the completing version's lastUpdated (minute 1 of the fixture).
      acknowledgedAt: Date.UTC(2025, 2, 14, 16, 1),
    });
    expect(byVersion).toEqual(byCurrent);
  });

  it('a Task reopened and completed again is a new acknowledgement', async () => {
    const fhir = historyOf(
      { ...ALERT_TASK, status: 'requested' },
      { ...ALERT_TASK, status: 'completed' },
      { ...ALERT_TASK, status: 'in-progress' },
      { ...ALERT_TASK, status: 'completed' },
    );
    expect((await readAlertAcknowledgement(fhir, 'task-1'))?.acknowledgementRef).toBe(
      'Task/task-1/_history/v4',
    );
    expect((await readAlertAcknowledgement(fhir, 'task-1', 'v2'))?.acknowledgementRef).toBe(
      'Task/task-1/_history/v2',
    );
  });

  it('a Task without the CareRelay task identifier, owner or authoredOn still acknowledges, with nulls', async () => {
    const fhir = historyOf({
      identifier: [{ system: 'urn:carerelay:alert', value: 'alert-7' }],
      for: { reference: 'Patient/pat-1' },
      status: 'completed',
      owner: { reference: 'Organization/org-1' },
    });
    expect(await readAlertAcknowledgement(fhir, 'task-1')).toMatchObject({
      alertId: 'alert-7',
      taskId: null,
      acknowledgedBy: null,
      raisedAt: null,
    });
  });

  it('is undefined for a Task that is not a CareRelay alert, or not completed, or for no client', async () => {
    const otherTask = { ...ALERT_TASK, identifier: [{ system: 'urn:other:task', value: 'alert-7' }] };
    expect(await readAlertAcknowledgement(historyOf({ ...otherTask, status: 'completed' }), 'task-1')).toBe(
      undefined,
    );
    expect(
      await readAlertAcknowledgement(
        historyOf(
          { ...ALERT_TASK, status: 'requested' },
          { ...ALERT_TASK, status: 'completed' },
          { ...ALERT_TASK, status: 'cancelled' },
        ),
        'task-1',
      ),
    ).toBe(undefined);
    expect(
      await readAlertAcknowledgement(
        historyOf({ ...ALERT_TASK, status: 'completed', for: { reference: 'Group/g-1' } }),
        'task-1',
      ),
    ).toBe(undefined);
  });
});
