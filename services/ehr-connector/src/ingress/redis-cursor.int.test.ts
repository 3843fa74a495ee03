import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import type { EhrChange } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { FhirChangePoller } from './change-poller.js';
import { RedisCursorStore } from './redis-cursor-store.js';

const logger = createLogger({ service: 'test', level: 'silent' });

/**
 * The polling cursor lives in Redis: a connector restarted (new process, new connection)
 * resumes from it, and one that dies in the middle of a pass loses no change and publishes
 * none twice.
 */
describe('polling cursor in Redis across restarts', () => {
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  const prefix = `test:poll:${randomUUID()}:`;
  const connections: Redis[] = [];

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
  });
  afterAll(async () => {
    for (const r of connections) r.disconnect();
    await sandbox.stop();
  });

  /** A fresh poller on a fresh Redis connection: what a restarted connector has. */
  function restartedPoller(published: EhrChange[], failOn?: number): FhirChangePoller {
    const redis = new Redis(inject('redisUrl'));
    connections.push(redis);
    let calls = 0;
    return new FhirChangePoller({
      fhir,
      cursors: new RedisCursorStore(redis, prefix),
      tenantId: 't1',
      vendor: 'fhir-r4',
      logger,
      startAt: '2000-01-01T00:00:00Z',
      publish: (change) => {
        calls += 1;
        // The process dies here: this change and everything after it never went out.
        if (calls === failOn) return Promise.reject(new Error('killed'));
        published.push(change);
        return Promise.resolve();
      },
    });
  }

  async function finish(encounterId: string): Promise<void> {
    const encounter = await fhir.read('Encounter', encounterId);
    const period = (encounter as { period?: { start?: string } }).period;
    await fhir.update({
      ...encounter,
      status: 'finished',
      period: { ...period, end: new Date().toISOString() },
    } as typeof encounter);
    await new Promise((r) => setTimeout(r, 5)); // distinct _lastUpdated instants
  }

  it('resumes after a restart and after a death mid-pass: every change once, none twice', async () => {
    const history: EhrChange[] = [];
    await restartedPoller(history).pollOnce();
    expect(history.length).toBeGreaterThan(0); // the seeded finished sessions

    // Three sessions end while the connector is down.
    const ended = [
      SANDBOX_CLIENTS.avery.encounterIds.open,
      SANDBOX_CLIENTS.jordan.encounterIds.followUp,
      SANDBOX_CLIENTS.riley.encounterIds.followUp,
    ];
    for (const id of ended) await finish(id);

    // The restarted connector dies publishing the second of them.
    const beforeDeath: EhrChange[] = [];
    await expect(restartedPoller(beforeDeath, 2).pollOnce()).rejects.toThrow('killed');
    expect(beforeDeath.map((c) => c.encounterId)).toEqual([ended[0]]);

    // Restarted again: the rest, exactly once, then nothing.
    const afterDeath: EhrChange[] = [];
    expect(await restartedPoller(afterDeath).pollOnce()).toBe(2);
    expect(afterDeath.map((c) => c.encounterId)).toEqual(ended.slice(1));
    expect(await restartedPoller([]).pollOnce()).toBe(0);

    const all = [...history, ...beforeDeath, ...afterDeath];
    expect(new Set(all.map((c) => c.eventId)).size).toBe(all.length);
  });
});
