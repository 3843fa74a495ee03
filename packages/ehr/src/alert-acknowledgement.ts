import type { Task } from '@medplum/fhirtypes';
import type { FhirClient } from './fhir-client.js';
import { referencedId } from './references.js';
import { TASK_IDENTIFIER_SYSTEM } from './signed-note.js';

/** The business identifier system of risk alerts (writeback's Flag and review Task): value = alertId. */
export const ALERT_IDENTIFIER_SYSTEM = 'urn:carerelay:alert';

/**
 * A clinician's acknowledgement of a CareRelay risk alert: its review Task, completed.
 * Ids and times only; the Task's description (the alert's evidence) is never read out.
 */
export interface AlertAcknowledgement {
  /** `Task/<id>/_history/<vid>`: the version that completed the Task (the acknowledgement itself). */
  readonly acknowledgementRef: string;
  readonly alertId: string;
  readonly clientId: string;
  /** The CareRelay task whose context raised the alert, when the Task names it. */
  readonly taskId: string | null;
  /** Practitioner id of the Task's owner when it was completed, when the EHR names one. */
  readonly acknowledgedBy: string | null;
  /** When the Task was authored (the alert reached the EHR), epoch ms; null when absent. */
  readonly raisedAt: number | null;
  /** When it was completed: `executionPeriod.end`, else the completing version's `meta.lastUpdated`. */
  readonly acknowledgedAt: number;
}

type TaskReader = Pick<FhirClient, 'history'>;

const identifierOf = (task: Task, system: string): string | undefined =>
  task.identifier?.find((i) => i.system === system)?.value;

const timeOf = (value: string | undefined): number | null => {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? null : ms;
};

const updatedAt = (task: Task): number => timeOf(task.meta?.lastUpdated) ?? 0;

/**
 * Reads the acknowledgement of a risk alert from its review Task: `versionId` (the
 * version a change named) or else the current one must be `completed` and carry the
 * alert identifier; anything else (not a CareRelay alert Task, not completed) is
 * `undefined`. The acknowledgement is the version that moved the Task to completed:
 * a later edit of a completed Task names the same one, so it is never counted twice.
 */
export async function readAlertAcknowledgement(
  fhir: TaskReader,
  taskResourceId: string,
  versionId?: string | null,
): Promise<AlertAcknowledgement | undefined> {
  // Newest first, ordered by time: version ids are opaque.
  const versions = (await fhir.history<Task>('Task', taskResourceId)).sort(
    (a, b) => updatedAt(b) - updatedAt(a),
  );
  const at = Math.max(0, versionId ? versions.findIndex((v) => v.meta?.versionId === versionId) : 0);
  const task = versions[at];
  const alertId = task && identifierOf(task, ALERT_IDENTIFIER_SYSTEM);
  const clientId = task && referencedId(task.for?.reference, 'Patient');
  if (!task || !alertId || !clientId || task.status !== 'completed') return undefined;

  // Walk back to the start of this completed run (reopened and completed again is a new acknowledgement).
  let completing = at;
  while (versions[completing + 1]?.status === 'completed') completing += 1;
  const done = versions[completing]!;
  const acknowledgedAt = timeOf(done.executionPeriod?.end) ?? updatedAt(done);
  return {
    acknowledgementRef: `Task/${taskResourceId}/_history/${done.meta?.versionId ?? ''}`,
    alertId,
    clientId,
    taskId: identifierOf(task, TASK_IDENTIFIER_SYSTEM) ?? null,
    acknowledgedBy:
      referencedId(done.owner?.reference, 'Practitioner') ??
      referencedId(task.owner?.reference, 'Practitioner') ??
      null,
    raisedAt: timeOf(task.authoredOn),
    acknowledgedAt,
  };
}
