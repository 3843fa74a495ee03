import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import type { EhrChange } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { FhirChangePoller } from './change-poller.js';
import { RedisCursorStore, RedisPollLease } from './redis-cursor-store.js';

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

    // None twice: each version of a resource once (event ids name the resource and the state
    // it reached, so a seeded finished session finished again keeps its event id).
    const all = [...history, ...beforeDeath, ...afterDeath];
    const versions = all.map((c) => `${c.resourceType}/${c.resourceId}/${c.resourceVersion}`);
    expect(new Set(versions).size).toBe(all.length);
  });

  it('two replicas: a pass that read the EHR before the other advanced the cursor never moves it back', async () => {
    const redis = new Redis(inject('redisUrl'));
    connections.push(redis);
    const cursors = new RedisCursorStore(redis, `test:poll:${randomUUID()}:`);
    const startAt = new Date(Date.now() - 1).toISOString();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let searches = 0;
    // Replica A's EHR answers its searches late (a slow EHR); replica B's answers at once.
    const slow = Object.create(fhir) as FhirClient;
    slow.search = (async (...args: Parameters<FhirClient['search']>) => {
      searches += 1;
      const found = await fhir.search(...args);
      await gate;
      return found;
    }) as FhirClient['search'];
    const replica = (client: FhirClient): FhirChangePoller =>
      new FhirChangePoller({
        fhir: client,
        cursors,
        tenantId: 't2',
        vendor: 'fhir-r4',
        logger,
        startAt,
        publish: () => Promise.resolve(),
      });

    await finish(SANDBOX_CLIENTS.avery.encounterIds.intake);
    const a = replica(slow).pollOnce();
    while (searches < 1) await new Promise((r) => setTimeout(r, 5));
    await finish(SANDBOX_CLIENTS.jordan.encounterIds.intake);
    await replica(fhir).pollOnce();
    const advanced = await cursors.load('t2:Encounter:SESSION_ENDED');
    release();
    await a;
    expect(await cursors.load('t2:Encounter:SESSION_ENDED')).toEqual(advanced);
    expect(await replica(fhir).pollOnce()).toBe(0);
  });

  it('two replicas with the lease: while one is in a pass, the other skips its pass without asking the EHR', async () => {
    const redis = new Redis(inject('redisUrl'));
    connections.push(redis);
    const scope = `test:${randomUUID()}:`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const searches = { a: 0, b: 0 };
    const counted = (who: 'a' | 'b', stall: boolean): FhirClient => {
      const client = Object.create(fhir) as FhirClient;
      client.search = (async (...args: Parameters<FhirClient['search']>) => {
        searches[who] += 1;
        const found = await fhir.search(...args);
        if (stall) await gate;
        return found;
      }) as FhirClient['search'];
      return client;
    };
    const replica = (client: FhirClient): FhirChangePoller =>
      new FhirChangePoller({
        fhir: client,
        cursors: new RedisCursorStore(redis, `${scope}poll:`),
        lease: new RedisPollLease(redis, `${scope}lease:`),
        tenantId: 't3',
        vendor: 'fhir-r4',
        logger,
        publish: () => Promise.resolve(),
      });
    const a = replica(counted('a', true)).pollOnce();
    while (searches.a < 1) await new Promise((r) => setTimeout(r, 5));
    const b = replica(counted('b', false));
    expect(await b.pollOnce()).toBe(0);
    expect(searches.b).toBe(0);
    release();
    await a;
    await b.pollOnce(); // the lease was released: B polls again
    // Encounter, DocumentReference, Task, Communication, Consent, QuestionnaireResponse, Observation
    expect(searches.b).toBe(7);
  });
});
