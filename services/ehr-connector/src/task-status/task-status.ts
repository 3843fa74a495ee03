import type { AuditEvent } from '@carerelay/events';

/**
 * Where a task stands, as its requester sees it (`GET /v1/tasks/{id}`):
 * - `queued`: the on-demand request was accepted, nothing has happened yet;
 * - `planned`: the planner read the minimum-necessary context and published the task;
 * - `drafting`: de-identification or the model call is under way (or was replayed);
 * - `refused`: a policy, consent or leak check said no (with its reason code and rule);
 * - `written`: the draft (or coding suggestion) is in the EHR, waiting for review;
 * - `dead_lettered`: the pipeline gave up on it; an operator may replay it.
 */
export type TaskState = 'queued' | 'planned' | 'drafting' | 'refused' | 'written' | 'dead_lettered';

export interface TaskStateChange {
  readonly state: TaskState;
  /** When the act that moved the task happened (the audit event's occurredAt), epoch ms. */
  readonly at: number;
}

/** Ids and codes only: a status never carries clinical text (it is answered over HTTP). */
export interface TaskStatus {
  readonly tenantId: string;
  readonly taskId: string;
  readonly state: TaskState;
  readonly useCase: string | null;
  /**
   * Who asked: the actor of the first connector event (the on-demand user, or the EHR's
   * practitioner); null while only downstream services have spoken.
   */
  readonly userId: string | null;
  /** Why it was refused or dead-lettered; null in every other state. */
  readonly reasonCode: string | null;
  /** The policy rule that refused it, when the refusal names one. */
  readonly rule: string | null;
  readonly updatedAt: number;
  /** Latest state changes first-to-last, at most HISTORY_LIMIT of them. */
  readonly history: readonly TaskStateChange[];
  /**
   * When the task was last replayed from a dead letter: a TASK_DEAD_LETTERED that happened
   * before it is a redelivery of the old failure, not a new one.
   */
  readonly replayedAt: number | null;
}

export const HISTORY_LIMIT = 20;

/**
 * Forward order. A task only moves to a higher rank, so a redelivered or late event never
 * moves it back. Among the ends, `written` ranks highest (a draft in the EHR is the fact the
 * requester cares about, e.g. when a risk alert of the same task dead-lettered before it),
 * and a refusal outranks the dead letter that follows it (the refusal says why). The one
 * move down is a replay: `dead_lettered` → `drafting`.
 */
const RANK: Readonly<Record<TaskState, number>> = {
  queued: 0,
  planned: 1,
  drafting: 2,
  dead_lettered: 3,
  refused: 4,
  written: 5,
};

/** What one audit event says about its task; undefined when it moves nothing. */
interface Move {
  readonly state: TaskState;
  readonly reasonCode: string | null;
  readonly rule: string | null;
}

// The planner names the deciding rule in the description: `use case soap_note; rule part2.consent;
// consent Consent/7` (also read: `rule=<id>`, `rule: <id>`).
const RULE = /\brule[=:\s]\s*([A-Za-z0-9_./-]+)/;

function ruleOf(description: string | null): string | null {
  return description?.match(RULE)?.[1] ?? null;
}

function moveOf(event: AuditEvent): Move | undefined {
  const refused = (): Move => ({
    state: 'refused',
    reasonCode: event.reasonCode,
    rule: ruleOf(event.description),
  });
  const to = (state: TaskState): Move => ({ state, reasonCode: null, rule: null });
  switch (event.action) {
    case 'PHI_ACCESS':
      // The planner's context read names the use case; review capture and alert acknowledgement
      // read a task's record afterwards and name none.
      return event.outcome === 'SUCCESS' && event.actor.service === 'ehr-connector' && event.useCase
        ? to('planned')
        : undefined;
    case 'POLICY_DECISION':
    case 'CONSENT_CHECK':
      return event.outcome === 'DENIED' ? refused() : undefined;
    case 'LEAK_BLOCKED':
      return refused();
    case 'DEID':
    case 'LLM_CALL':
      return to('drafting');
    case 'DRAFT_WRITTEN':
      return event.outcome === 'SUCCESS' ? to('written') : undefined;
    case 'TASK_DEAD_LETTERED':
      return { state: 'dead_lettered', reasonCode: event.reasonCode, rule: null };
    case 'DEAD_LETTER_REPLAYED':
      return to('drafting');
    default:
      return undefined;
  }
}

function allowed(prev: TaskStatus, move: Move, event: AuditEvent): boolean {
  if (event.action === 'DEAD_LETTER_REPLAYED') {
    return prev.state === 'dead_lettered' && event.occurredAt >= prev.updatedAt;
  }
  if (move.state === 'dead_lettered' && prev.replayedAt !== null && event.occurredAt < prev.replayedAt) {
    return false;
  }
  return RANK[move.state] > RANK[prev.state];
}

/**
 * Who asked for the task: the actor of the connector's own events (the on-demand user, or the
 * practitioner the EHR named). Other services act for the task, not for a user, and a
 * replay's actor is the operator.
 */
function requesterOf(event: AuditEvent): string | null {
  return event.actor.service === 'ehr-connector' ? event.actor.userId : null;
}

/** `prev` with what it lacks (requester, use case) taken from the event; `prev` itself if nothing. */
function filledIn(prev: TaskStatus, event: AuditEvent): TaskStatus {
  const userId = prev.userId ?? requesterOf(event);
  const useCase = prev.useCase ?? event.useCase;
  return userId === prev.userId && useCase === prev.useCase ? prev : { ...prev, userId, useCase };
}

function appended(history: readonly TaskStateChange[], change: TaskStateChange): TaskStateChange[] {
  return [...history, change].slice(-HISTORY_LIMIT);
}

/**
 * The task-status projection of the audit stream: the status after `event`, or `prev` itself
 * (same object) when the event changes nothing, so a caller can skip the write. Pure.
 */
export function applyAuditEvent(prev: TaskStatus | undefined, event: AuditEvent): TaskStatus | undefined {
  if (event.taskId === null) return prev;
  const move = moveOf(event);
  if (!move) return prev;
  const at = event.occurredAt;
  if (!prev) {
    if (event.action === 'DEAD_LETTER_REPLAYED') return undefined;
    return {
      tenantId: event.tenantId,
      taskId: event.taskId,
      state: move.state,
      useCase: event.useCase,
      userId: requesterOf(event),
      reasonCode: move.reasonCode,
      rule: move.rule,
      updatedAt: at,
      history: [{ state: move.state, at }],
      replayedAt: null,
    };
  }
  // A late event moves nothing, but may still tell who asked (the planner's, after the rest).
  if (!allowed(prev, move, event)) return filledIn(prev, event);
  return {
    ...filledIn(prev, event),
    state: move.state,
    reasonCode: move.reasonCode,
    rule: move.rule,
    updatedAt: at,
    history: appended(prev.history, { state: move.state, at }),
    replayedAt: event.action === 'DEAD_LETTER_REPLAYED' ? at : prev.replayedAt,
  };
}

export interface QueuedTask {
  readonly tenantId: string;
  readonly taskId: string;
  readonly useCase: string;
  readonly userId: string;
  /** When the request was accepted, epoch ms. */
  readonly at: number;
}

/**
 * An accepted on-demand request: `queued` when nothing is known of the task yet. The planner
 * may already have moved it on (its audit event can be projected before this is written):
 * then only what the status lacks is filled in, never its state.
 */
export function queueTask(prev: TaskStatus | undefined, queued: QueuedTask): TaskStatus {
  if (prev) {
    return prev.useCase !== null && prev.userId !== null
      ? prev
      : { ...prev, useCase: prev.useCase ?? queued.useCase, userId: prev.userId ?? queued.userId };
  }
  return {
    tenantId: queued.tenantId,
    taskId: queued.taskId,
    state: 'queued',
    useCase: queued.useCase,
    userId: queued.userId,
    reasonCode: null,
    rule: null,
    updatedAt: queued.at,
    history: [{ state: 'queued', at: queued.at }],
    replayedAt: null,
  };
}
