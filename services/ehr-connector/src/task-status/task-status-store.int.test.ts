import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { auditEvent } from '@carerelay/audit';
import type { AuditEvent } from '@carerelay/events';
import { markQueued, projectAuditEvent } from './project-audit.js';
import type { TaskStatus } from './task-status.js';
import { RedisTaskStatusStore } from './task-status-store.js';

const T0 = Date.parse('2026-03-02T15:00:00.000Z');

function event(
  action: AuditEvent['action'],
  service: string,
  occurredAt: number,
  userId: string | null = null,
): AuditEvent {
  return auditEvent(
    {
      tenantId: 't1',
      action,
      outcome: 'SUCCESS',
      service,
      userId,
      clientId: 'client-7',
      taskId: 'task-1',
      useCase: 'soap_note',
    },
    () => occurredAt,
  );
}

/** A status whose updatedAt counts the updates applied to it (to detect a lost update). */
const counted = (prev: TaskStatus | undefined): TaskStatus => ({
  tenantId: 't1',
  taskId: 'task-count',
  state: 'queued',
  useCase: 'soap_note',
  userId: 'clin-1',
  reasonCode: null,
  rule: null,
  history: [],
  replayedAt: null,
  updatedAt: (prev?.updatedAt ?? 0) + 1,
});

describe('task statuses in Redis', () => {
  const url = inject('redisUrl');
  // Two connections: two connector replicas.
  const first = new Redis(url);
  const second = new Redis(url);
  const prefix = `test:${randomUUID()}:`;
  afterAll(() => {
    first.disconnect();
    second.disconnect();
  });

  it('stores per tenant, expires a week after the last change, and reads back what it stored', async () => {
    const store = new RedisTaskStatusStore(first, { prefix });
    await markQueued(store, {
      tenantId: 't1',
      taskId: 'task-1',
      useCase: 'soap_note',
      userId: 'clin-1',
      at: T0,
    });
    await projectAuditEvent(event('PHI_ACCESS', 'ehr-connector', T0 + 1000, 'clin-1'), store);

    expect(await store.get('t1', 'task-1')).toMatchObject({
      state: 'planned',
      userId: 'clin-1',
      history: [
        { state: 'queued', at: T0 },
        { state: 'planned', at: T0 + 1000 },
      ],
    });
    expect(await store.get('t2', 'task-1')).toBeUndefined();
    const ttl = await first.ttl(`${prefix}task-status:t1:task-1`);
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('two replicas updating one task at once lose no update', async () => {
    const a = new RedisTaskStatusStore(first, { prefix });
    const b = new RedisTaskStatusStore(second, { prefix });
    const writer = async (store: RedisTaskStatusStore): Promise<void> => {
      for (let i = 0; i < 40; i += 1) await store.update('t1', 'task-count', counted);
    };
    await Promise.all([writer(a), writer(b), writer(a), writer(b)]);
    expect((await a.get('t1', 'task-count'))?.updatedAt).toBe(160);
  });

  it('two replicas projecting the stages of one task end where the task ended', async () => {
    const a = new RedisTaskStatusStore(first, { prefix });
    const b = new RedisTaskStatusStore(second, { prefix });
    const events = [
      event('PHI_ACCESS', 'ehr-connector', T0, 'clin-1'),
      event('DEID', 'deidentifier', T0 + 1),
      event('LLM_CALL', 'llm-worker', T0 + 2),
      event('DRAFT_WRITTEN', 'writeback', T0 + 3),
    ].map((e) => ({ ...e, taskId: 'task-2' }));
    // Each replica gets every event (a rebalance redelivers), in opposite orders, at once.
    await Promise.all([
      ...events.map((e) => projectAuditEvent(e, a)),
      ...[...events].reverse().map((e) => projectAuditEvent(e, b)),
    ]);
    const status = await a.get('t1', 'task-2');
    expect(status?.state).toBe('written');
    expect(status?.userId).toBe('clin-1');
    expect(status?.history.at(-1)).toEqual({ state: 'written', at: T0 + 3 });
  });

  it('a store that cannot be reached is a retryable TASK_STATUS_UNAVAILABLE', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    down.on('error', () => undefined);
    const store = new RedisTaskStatusStore(down, { prefix });
    await expect(projectAuditEvent(event('DEID', 'deidentifier', T0), store)).rejects.toMatchObject({
      code: 'TASK_STATUS_UNAVAILABLE',
      retryable: true,
    });
    down.disconnect();
  });
});
