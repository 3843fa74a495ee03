import type { Communication, Consent } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditTrail } from '@carerelay/audit';
import type { FhirClient } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';
import type { EhrChange } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { FhirChangePoller, InMemoryCursorStore } from './change-poller.js';

const logger = createLogger({ service: 'test', level: 'silent' });
type Task = Extract<Parameters<FhirClient['create']>[0], { resourceType: 'Task' }>;

describe('polling ingress on the sandbox EHR', () => {
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
  });
  afterAll(() => sandbox.stop());

  function poller(cursors: InMemoryCursorStore, published: EhrChange[], startAt?: string): FhirChangePoller {
    return new FhirChangePoller({
      fhir,
      cursors,
      tenantId: 't1',
      vendor: 'fhir-r4',
      logger,
      ...(startAt ? { startAt } : {}),
      publish: (c) => {
        published.push(c);
        return Promise.resolve();
      },
    });
  }

  /** A FHIR client whose searches answer only when `release` is called: a slow EHR. */
  function slowEhr(): { fhir: FhirClient; searches: () => number; release: () => void } {
    let searches = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.create(fhir) as FhirClient;
    slow.search = (async (...args: Parameters<FhirClient['search']>) => {
      searches += 1;
      const found = await fhir.search(...args);
      await gate;
      return found;
    }) as FhirClient['search'];
    return { fhir: slow, searches: () => searches, release };
  }

  async function finishSession(encounterId: string): Promise<string> {
    const encounter = await fhir.read('Encounter', encounterId);
    const period = (encounter as { period?: { start?: string } }).period;
    const saved = await fhir.update({
      ...encounter,
      status: 'finished',
      period: { ...period, end: new Date().toISOString() },
    } as typeof encounter);
    await new Promise((r) => setTimeout(r, 5)); // distinct _lastUpdated instants
    return saved.meta!.lastUpdated!;
  }

  async function finishOpenSession(): Promise<void> {
    const encounter = await fhir.read('Encounter', SANDBOX_CLIENTS.avery.encounterIds.open);
    const period = (encounter as { period?: { start?: string } }).period;
    await fhir.update({
      ...encounter,
      status: 'finished',
      period: { ...period, end: new Date().toISOString() },
    } as typeof encounter);
  }

  it('a change made after a first empty pass is found by the next pass (the baseline is saved at once)', async () => {
    const cursors = new InMemoryCursorStore();
    const published: EhrChange[] = [];
    const p = poller(cursors, published);
    expect(await p.pollOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    const encounter = await fhir.read('Encounter', SANDBOX_CLIENTS.jordan.encounterIds.intake);
    await fhir.update({ ...encounter });
    await new Promise((r) => setTimeout(r, 20));
    expect(await p.pollOnce()).toBe(1);
    expect(published[0]?.clientId).toBe(SANDBOX_CLIENTS.jordan.patientId);
  });

  it("a client's portal message is found by the next pass as MESSAGE_RECEIVED; the practice's reply is not", async () => {
    const published: EhrChange[] = [];
    const p = poller(new InMemoryCursorStore(), published);
    await p.pollOnce();
    await new Promise((r) => setTimeout(r, 20));
    const jordan = SANDBOX_CLIENTS.jordan.patientId;
    const message = await fhir.create<Communication>({
      resourceType: 'Communication',
      status: 'completed',
      subject: { reference: `Patient/${jordan}` },
      sender: { reference: `Patient/${jordan}` },
      sent: new Date().toISOString(),
      payload: [{ contentString: 'can we move Thursday?' }],
    });
    await fhir.create<Communication>({
      resourceType: 'Communication',
      status: 'completed',
      subject: { reference: `Patient/${jordan}` },
      sender: { reference: `Practitioner/${SANDBOX_PRACTITIONERS.therapist.id}` },
      payload: [{ contentString: 'yes, 3 pm works' }],
    });
    await new Promise((r) => setTimeout(r, 20));
    await p.pollOnce();
    const messages = published.filter((c) => c.resourceType === 'Communication');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      changeType: 'MESSAGE_RECEIVED',
      clientId: jordan,
      resourceId: message.id,
      actorUserId: null,
    });
  });

  it('a Consent revoked in the EHR is found by the next pass, as a change about its client', async () => {
    const published: EhrChange[] = [];
    const p = poller(new InMemoryCursorStore(), published);
    await p.pollOnce();
    await new Promise((r) => setTimeout(r, 20));
    const consent = await fhir.read<Consent>('Consent', SANDBOX_CLIENTS.riley.consentId);
    await fhir.update<Consent>({ ...consent, status: 'inactive' });
    await new Promise((r) => setTimeout(r, 20));
    await p.pollOnce();
    const change = published.find((c) => c.resourceType === 'Consent');
    expect(change).toMatchObject({
      changeType: 'OTHER',
      clientId: SANDBOX_CLIENTS.riley.patientId,
      resourceId: SANDBOX_CLIENTS.riley.consentId,
    });
    // Put it back for the other tests of this file.
    const revoked = await fhir.read<Consent>('Consent', SANDBOX_CLIENTS.riley.consentId);
    await fhir.update<Consent>({ ...revoked, status: 'active' });
  });

  it('audits its reads of PHI: a PHI_ACCESS (OPERATIONS) per client and resource type a pass returned', async () => {
    const recorded: Array<Parameters<AuditTrail['record']>[0]> = [];
    const published: EhrChange[] = [];
    const audited = new FhirChangePoller({
      fhir,
      cursors: new InMemoryCursorStore(),
      tenantId: 't1',
      vendor: 'fhir-r4',
      logger,
      startAt: '2000-01-01T00:00:00Z',
      audit: {
        record: (facts) => {
          recorded.push(facts);
          return Promise.resolve();
        },
      },
      publish: (c) => {
        published.push(c);
        return Promise.resolve();
      },
    });
    expect(await audited.pollOnce()).toBeGreaterThan(0);
    // Every published change was read first, and that read is on its client's record.
    const typeOf: Record<string, string> = {
      SESSION_ENDED: 'Encounter',
      NOTE_SIGNED: 'DocumentReference',
      TASK_COMPLETED: 'Task',
      MESSAGE_RECEIVED: 'Communication',
    };
    for (const change of published) {
      const reads = recorded.filter(
        (a) =>
          a.clientId === change.clientId &&
          a.description === `change polling read ${typeOf[change.changeType] ?? change.resourceType}`,
      );
      expect(reads, `${change.changeType} of ${change.clientId}`).toHaveLength(1);
      expect(reads[0]).toMatchObject({
        action: 'PHI_ACCESS',
        outcome: 'SUCCESS',
        purposeOfUse: 'OPERATIONS',
      });
      expect(reads[0]!.counts!['resources']).toBeGreaterThanOrEqual(
        published.filter(
          (c) =>
            c.clientId === change.clientId &&
            c.changeType === change.changeType &&
            c.resourceType === change.resourceType,
        ).length,
      );
    }
  });

  it('a restarted poller neither misses a change made while it was down nor repeats one', async () => {
    const cursors = new InMemoryCursorStore();
    const first: EhrChange[] = [];
    const seeded = await poller(cursors, first, '2000-01-01T00:00:00Z').pollOnce();
    expect(seeded).toBeGreaterThan(0);
    expect(new Set(first.map((c) => c.eventId)).size).toBe(first.length);

    // Nothing new: the same poller and a "restarted" one (same cursor store) publish nothing.
    expect(await poller(cursors, first).pollOnce()).toBe(0);

    // A session ends while the connector is down; the restarted poller picks it up exactly once.
    await finishOpenSession();
    const afterRestart: EhrChange[] = [];
    expect(await poller(cursors, afterRestart).pollOnce()).toBe(1);
    expect(afterRestart[0]).toMatchObject({
      changeType: 'SESSION_ENDED',
      clientId: SANDBOX_CLIENTS.avery.patientId,
      encounterId: SANDBOX_CLIENTS.avery.encounterIds.open,
      source: 'POLL',
    });
    expect(afterRestart[0]!.actorUserId).toBe(SANDBOX_PRACTITIONERS.therapist.id);
    expect(await poller(cursors, afterRestart).pollOnce()).toBe(0);
  });

  it('a completed CareRelay alert-review Task is TASK_COMPLETED for its client and owner; other Tasks are not changes', async () => {
    const cursors = new InMemoryCursorStore();
    const published: EhrChange[] = [];
    const p = poller(cursors, published);
    expect(await p.pollOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    const jordan = `Patient/${SANDBOX_CLIENTS.jordan.patientId}`;
    const owner = { reference: `Practitioner/${SANDBOX_PRACTITIONERS.therapist.id}` };
    const alertTask = await fhir.create<Task>({
      resourceType: 'Task',
      identifier: [{ system: 'urn:carerelay:alert', value: 'alert-poll-1' }],
      status: 'requested',
      intent: 'order',
      for: { reference: jordan },
    });
    // Completed, but not a CareRelay alert; and an alert Task still open.
    await fhir.create<Task>({
      resourceType: 'Task',
      status: 'completed',
      intent: 'order',
      for: { reference: jordan },
      owner,
    });
    await fhir.create<Task>({
      resourceType: 'Task',
      identifier: [{ system: 'urn:carerelay:alert', value: 'alert-poll-2' }],
      status: 'in-progress',
      intent: 'order',
      for: { reference: jordan },
    });
    expect(await p.pollOnce()).toBe(0);

    const done = await fhir.update<Task>({
      ...alertTask,
      status: 'completed',
      owner,
      executionPeriod: { end: '2025-03-14T16:12:00.000Z' },
    });
    expect(await p.pollOnce()).toBe(1);
    expect(published).toMatchObject([
      {
        changeType: 'TASK_COMPLETED',
        source: 'POLL',
        resourceType: 'Task',
        resourceId: alertTask.id,
        resourceVersion: done.meta?.versionId,
        clientId: SANDBOX_CLIENTS.jordan.patientId,
        actorUserId: SANDBOX_PRACTITIONERS.therapist.id,
        encounterId: null,
        occurredAt: Date.parse('2025-03-14T16:12:00.000Z'),
      },
    ]);
    expect(await p.pollOnce()).toBe(0);
  });

  it('overlapping passes of one poller never run at once: one search per watch, each change published once', async () => {
    const cursors = new InMemoryCursorStore();
    const published: EhrChange[] = [];
    const slow = slowEhr();
    const p = new FhirChangePoller({
      fhir: slow.fhir,
      cursors,
      tenantId: 't-overlap',
      vendor: 'fhir-r4',
      logger,
      startAt: new Date(Date.now() - 1).toISOString(),
      publish: (c) => {
        published.push(c);
        return Promise.resolve();
      },
    });
    await finishSession(SANDBOX_CLIENTS.jordan.encounterIds.followUp);
    const first = p.pollOnce();
    const second = p.pollOnce(); // a timer firing while the EHR is still answering the first
    await new Promise((r) => setTimeout(r, 50));
    slow.release();
    await Promise.all([first, second]);
    // Encounter, DocumentReference, Task, Communication, Consent, QuestionnaireResponse, Observation: once each
    expect(slow.searches()).toBe(7);
    expect(published.map((c) => c.encounterId)).toEqual([SANDBOX_CLIENTS.jordan.encounterIds.followUp]);
  });

  it('a pass that read the EHR before another pass advanced the cursor never moves it back', async () => {
    const cursors = new InMemoryCursorStore();
    const key = 't-back:Encounter:SESSION_ENDED';
    const startAt = new Date(Date.now() - 1).toISOString();
    const make = (client: FhirClient, into: EhrChange[]): FhirChangePoller =>
      new FhirChangePoller({
        fhir: client,
        cursors,
        tenantId: 't-back',
        vendor: 'fhir-r4',
        logger,
        startAt,
        publish: (c) => {
          into.push(c);
          return Promise.resolve();
        },
      });
    const slow = slowEhr();
    const early = await finishSession(SANDBOX_CLIENTS.riley.encounterIds.followUp);
    // Replica A reads the EHR (sees the first session), then stalls before publishing.
    const a = make(slow.fhir, []).pollOnce();
    while (slow.searches() < 1) await new Promise((r) => setTimeout(r, 5));
    // A second session ends; replica B runs a whole pass and moves the cursor past it.
    const late = await finishSession(SANDBOX_CLIENTS.avery.encounterIds.intake);
    await make(fhir, []).pollOnce();
    expect((await cursors.load(key))?.lastUpdated).toBe(late);
    slow.release();
    await a;
    expect(early < late).toBe(true);
    expect((await cursors.load(key))?.lastUpdated).toBe(late);
    const after: EhrChange[] = [];
    expect(await make(fhir, after).pollOnce()).toBe(0);
  });
});
