import { createHash } from 'node:crypto';
import type { EhrChange, UseCase } from '@carerelay/events';
import { CATALOGUE } from '@carerelay/policy';

/**
 * What a task is: one use case for one subject of one client of one tenant. Never the
 * change event, its source (webhook, poll, subscription, click) or the resource version,
 * so every way the same finished session reaches CareRelay, and every later edit of it,
 * is the same task. The vault entry, the model-call claim, the cached draft and the
 * write-back identifier are all keyed by the task id, so all of them follow.
 */
export interface TaskIdentity {
  readonly tenantId: string;
  readonly clientId: string;
  /** `ResourceType/id` of what the task is about (see taskSubject). */
  readonly subject: string;
  readonly useCase: string;
  /** Only for an explicit redraft: a new generation makes a new task for the same subject. */
  readonly redraftGeneration?: string | null;
}

/**
 * The task id: SHA-256 over the UTF-8 of `carerelay-task`, tenant, client, subject, use
 * case (and for a redraft `redraft` and the generation), NUL-separated, shown as a
 * version-5-style UUID (`xxxxxxxx-xxxx-5xxx-axxx-xxxxxxxxxxxx` from the first 32 hex digits).
 */
export function taskIdFor(identity: TaskIdentity): string {
  const parts = ['carerelay-task', identity.tenantId, identity.clientId, identity.subject, identity.useCase];
  if (identity.redraftGeneration) parts.push('redraft', identity.redraftGeneration);
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The subject of the task a change asks for, as `ResourceType/id` (the catalogue's `subject`):
 * - note formats and coding: `Encounter/<encounterId>`, else the changed resource;
 * - intake extraction and message triage: the changed resource (QuestionnaireResponse,
 *   Communication; for an on-demand request, the Encounter or Patient it names);
 * - treatment plan, chart summary, goal progress: `Encounter/<encounterId>` when the
 *   change names one, else `Patient/<clientId>`.
 */
export function taskSubject(change: EhrChange, useCase: UseCase): string {
  const resource = `${change.resourceType}/${change.resourceId}`;
  switch (CATALOGUE[useCase].subject) {
    case 'encounter':
      return change.encounterId ? `Encounter/${change.encounterId}` : resource;
    case 'resource':
      return resource;
    case 'client':
      return change.encounterId ? `Encounter/${change.encounterId}` : `Patient/${change.clientId}`;
  }
}

/** The task a change asks for; a redraft request's own event id is its generation. */
export function taskIdForChange(change: EhrChange, useCase: UseCase): string {
  return taskIdFor({
    tenantId: change.tenantId,
    clientId: change.clientId,
    subject: taskSubject(change, useCase),
    useCase,
    redraftGeneration: change.source === 'ON_DEMAND' && change.redraft ? change.eventId : null,
  });
}
