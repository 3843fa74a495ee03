import { describe, expect, it } from 'vitest';
import { auditEvent, type AuditFacts } from '@carerelay/audit';
import type { AuditEvent } from '@carerelay/events';
import { applyAuditEvent, queueTask, type TaskStatus } from './task-status.js';

const T0 = Date.parse('2026-03-02T15:00:00.000Z');

type EventFacts = Partial<Omit<AuditFacts, 'service'>> & {
  readonly service?: string;
  readonly occurredAt?: number;
};

/** An audit event as the services record it (the same builder), for task `task-1` of tenant `t1`. */
function event(
  action: AuditEvent['action'],
  outcome: AuditEvent['outcome'],
  facts: EventFacts = {},
): AuditEvent {
  const { occurredAt = T0, service = 'ehr-connector', ...rest } = facts;
  return auditEvent(
    {
      eventId: `evt-${action}-${occurredAt}`,
      tenantId: 't1',
      clientId: 'client-7',
      taskId: 'task-1',
      useCase: 'soap_note',
      ...rest,
      action,
      outcome,
      service,
    },
    () => occurredAt,
  );
}

const planned = (at = T0): AuditEvent =>
  event('PHI_ACCESS', 'SUCCESS', { occurredAt: at, userId: 'clin-1', purposeOfUse: 'TREATMENT' });
const deid = (at: number): AuditEvent =>
  event('DEID', 'SUCCESS', { occurredAt: at, service: 'deidentifier' });
const llmCall = (at: number): AuditEvent =>
  event('LLM_CALL', 'SUCCESS', { occurredAt: at, service: 'llm-worker' });
const written = (at: number): AuditEvent =>
  event('DRAFT_WRITTEN', 'SUCCESS', { occurredAt: at, service: 'writeback', reasonCode: 'CREATED' });
const deadLettered = (at: number): AuditEvent =>
  event('TASK_DEAD_LETTERED', 'FAILURE', {
    occurredAt: at,
    service: 'llm-worker',
    reasonCode: 'LLM_PROVIDER_UNAVAILABLE',
    useCase: null,
  });
const replayed = (at: number): AuditEvent =>
  event('DEAD_LETTER_REPLAYED', 'SUCCESS', {
    occurredAt: at,
    service: 'carerelay-cli',
    userId: 'operator-1',
    useCase: null,
  });

function fold(events: readonly AuditEvent[], start?: TaskStatus): TaskStatus | undefined {
  return events.reduce<TaskStatus | undefined>((s, e) => applyAuditEvent(s, e), start);
}

const statesOf = (s: TaskStatus | undefined): string[] => (s ? s.history.map((h) => h.state) : []);

describe('task status projected from the audit stream', () => {
  it('follows a task from the context read to the written draft, with the requester and use case', () => {
    const s = fold([planned(T0), deid(T0 + 1000), llmCall(T0 + 2000), written(T0 + 3000)]);
    expect(s).toMatchObject({
      tenantId: 't1',
      taskId: 'task-1',
      state: 'written',
      useCase: 'soap_note',
      userId: 'clin-1',
      reasonCode: null,
      rule: null,
      updatedAt: T0 + 3000,
    });
    expect(s?.history).toEqual([
      { state: 'planned', at: T0 },
      { state: 'drafting', at: T0 + 1000 },
      { state: 'written', at: T0 + 3000 },
    ]);
  });

  it('a consent refusal after the context read is refused with its reason code', () => {
    const s = fold([
      planned(T0),
      event('CONSENT_CHECK', 'DENIED', {
        occurredAt: T0 + 10,
        part2: true,
        reasonCode: 'PART2_CONSENT_NOT_VERIFIED',
      }),
    ]);
    expect(s?.state).toBe('refused');
    expect(s?.reasonCode).toBe('PART2_CONSENT_NOT_VERIFIED');
    expect(s?.rule).toBeNull();
  });

  it('a policy refusal carries the rule its description names', () => {
    const s = applyAuditEvent(
      undefined,
      event('POLICY_DECISION', 'DENIED', {
        userId: 'biller-2',
        reasonCode: 'RELATIONSHIP_REQUIRED',
        description: 'use case soap_note denied by rule=catalogue.soap_note.relationship',
      }),
    );
    expect(s).toMatchObject({
      state: 'refused',
      reasonCode: 'RELATIONSHIP_REQUIRED',
      rule: 'catalogue.soap_note.relationship',
      userId: 'biller-2',
    });
  });

  it("reads the rule as the planner describes a decision: 'use case …; rule …; consent …'", () => {
    const s = applyAuditEvent(
      undefined,
      event('CONSENT_CHECK', 'DENIED', {
        reasonCode: 'PART2_CONSENT_REQUIRED',
        description: 'use case soap_note; rule part2.consent; consent Consent/sbx-consent-7',
      }),
    );
    expect(s?.rule).toBe('part2.consent');
    expect(s?.reasonCode).toBe('PART2_CONSENT_REQUIRED');
  });

  it('an allowed policy decision moves nothing; a blocked leak refuses the task', () => {
    const start = fold([planned(T0)]);
    expect(applyAuditEvent(start, event('POLICY_DECISION', 'SUCCESS', { occurredAt: T0 + 1 }))).toBe(start);
    const s = applyAuditEvent(
      start,
      event('LEAK_BLOCKED', 'BLOCKED', {
        occurredAt: T0 + 2,
        service: 'deidentifier',
        reasonCode: 'DEID_LEAK_BLOCKED',
      }),
    );
    expect(s?.state).toBe('refused');
    expect(s?.reasonCode).toBe('DEID_LEAK_BLOCKED');
  });

  it('a redelivered event changes nothing (the same object comes back, no history entry)', () => {
    const s = fold([planned(T0), deid(T0 + 1000)]);
    expect(applyAuditEvent(s, deid(T0 + 1000))).toBe(s);
    expect(applyAuditEvent(s, llmCall(T0 + 1500))).toBe(s);
    expect(applyAuditEvent(s, planned(T0))).toBe(s);
  });

  it('events arriving out of order never move a task back', () => {
    const s = fold([written(T0 + 3000), llmCall(T0 + 2000), deid(T0 + 1000), planned(T0)]);
    expect(s?.state).toBe('written');
    expect(statesOf(s)).toEqual(['written']);
    // The planner's event still tells who asked, when it arrives after the rest.
    expect(s?.userId).toBe('clin-1');
  });

  it('refused and dead-lettered tasks stay so when earlier stages are delivered late', () => {
    const refused = fold([event('CONSENT_CHECK', 'DENIED', { reasonCode: 'PART2_CONSENT_NOT_VERIFIED' })]);
    expect(fold([planned(T0), deid(T0 + 1)], refused)?.state).toBe('refused');
    // The dead letter that follows a blocked leak does not hide why it was refused.
    expect(fold([deadLettered(T0 + 5)], refused)?.reasonCode).toBe('PART2_CONSENT_NOT_VERIFIED');
    const dead = fold([deid(T0), deadLettered(T0 + 5)]);
    expect(fold([planned(T0 - 5), llmCall(T0 + 1)], dead)?.state).toBe('dead_lettered');
    expect(dead?.reasonCode).toBe('LLM_PROVIDER_UNAVAILABLE');
  });

  it('a replay moves a dead-lettered task back to drafting; a redelivered old dead letter does not undo it', () => {
    const dead = fold([planned(T0), deid(T0 + 1000), deadLettered(T0 + 2000)]);
    const again = applyAuditEvent(dead, replayed(T0 + 60_000));
    expect(again?.state).toBe('drafting');
    expect(again?.reasonCode).toBeNull();
    // The same dead letter's audit event, delivered again after the replay.
    expect(applyAuditEvent(again, deadLettered(T0 + 2000))?.state).toBe('drafting');
    // A replay delivered twice is one replay.
    expect(applyAuditEvent(again, replayed(T0 + 60_000))).toBe(again);
    // A new failure after the replay dead-letters it again, and it can be replayed again.
    const deadAgain = applyAuditEvent(again, deadLettered(T0 + 90_000));
    expect(deadAgain?.state).toBe('dead_lettered');
    const final = fold([replayed(T0 + 120_000), llmCall(T0 + 121_000), written(T0 + 122_000)], deadAgain);
    expect(statesOf(final)).toEqual([
      'planned',
      'drafting',
      'dead_lettered',
      'drafting',
      'dead_lettered',
      'drafting',
      'written',
    ]);
  });

  it('the operator who replays a task never becomes its requester', () => {
    const s = fold([deadLettered(T0), replayed(T0 + 1)]);
    expect(s?.state).toBe('drafting');
    expect(s?.userId).toBeNull();
  });

  it('a replay of a task that is not dead-lettered changes nothing, nor one older than the dead letter', () => {
    const drafting = fold([planned(T0), deid(T0 + 1)]);
    expect(applyAuditEvent(drafting, replayed(T0 + 2))).toBe(drafting);
    const dead = fold([deadLettered(T0 + 1000)], drafting);
    expect(applyAuditEvent(dead, replayed(T0 + 500))).toBe(dead);
    expect(applyAuditEvent(undefined, replayed(T0))).toBeUndefined();
  });

  it('a written draft ends the task even after a dead letter of the same task (a risk alert)', () => {
    const s = fold([planned(T0), deid(T0 + 1), deadLettered(T0 + 2), written(T0 + 3)]);
    expect(s?.state).toBe('written');
    expect(s?.reasonCode).toBeNull();
    expect(applyAuditEvent(s, deadLettered(T0 + 4))).toBe(s);
  });

  it('keeps the latest 20 state changes', () => {
    let s = fold([planned(T0), deid(T0 + 1)]);
    for (let i = 0; i < 15; i += 1) {
      s = fold([deadLettered(T0 + 10 + 2 * i), replayed(T0 + 11 + 2 * i)], s);
    }
    expect(s?.history).toHaveLength(20);
    expect(s?.history[19]).toEqual({ state: 'drafting', at: T0 + 39 });
    // 32 changes: planned, drafting, then 15 × (dead_lettered, drafting); the first 12 dropped.
    expect(s?.history[0]).toEqual({ state: 'dead_lettered', at: T0 + 20 });
    expect(s?.userId).toBe('clin-1'); // never the operator who replayed it
  });

  it('events without a task id, and acts that are not stages, change nothing', () => {
    expect(applyAuditEvent(undefined, event('POLICY_DECISION', 'DENIED', { taskId: null }))).toBeUndefined();
    const s = fold([planned(T0)]);
    expect(applyAuditEvent(s, event('PHI_DISCLOSURE', 'SUCCESS', { service: 'writeback' }))).toBe(s);
    expect(applyAuditEvent(s, event('DEPENDENCY_UNAVAILABLE', 'FAILURE', { service: 'deidentifier' }))).toBe(
      s,
    );
    expect(applyAuditEvent(s, event('DRAFT_WRITTEN', 'FAILURE', { service: 'writeback' }))).toBe(s);
    // Review capture reads a signed note of the task afterwards: not the planner's read.
    expect(
      applyAuditEvent(
        undefined,
        event('PHI_ACCESS', 'SUCCESS', { useCase: null, purposeOfUse: 'OPERATIONS' }),
      ),
    ).toBeUndefined();
  });
});

describe('an accepted on-demand request', () => {
  const queued = { tenantId: 't1', taskId: 'task-1', useCase: 'soap_note', userId: 'clin-1', at: T0 };

  it('is queued until the planner says more', () => {
    const s = queueTask(undefined, queued);
    expect(s).toMatchObject({ state: 'queued', userId: 'clin-1', useCase: 'soap_note', updatedAt: T0 });
    expect(statesOf(applyAuditEvent(s, planned(T0 + 100)))).toEqual(['queued', 'planned']);
  });

  it('marked after the planner was projected keeps the later state', () => {
    const s = fold([planned(T0 + 100)]);
    expect(queueTask(s, queued)).toBe(s);
    const withoutUser = fold([deid(T0 + 100)]);
    expect(queueTask(withoutUser, queued)).toMatchObject({ state: 'drafting', userId: 'clin-1' });
  });
});
