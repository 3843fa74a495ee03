import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, readAlertAcknowledgement, type FhirClient } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  InMemorySchemaStore,
  aiTaskTopic,
  auditEventTopic,
  ehrChangeTopic,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import type { ServiceApp } from '@carerelay/runtime';
import { createEhrConnectorApp } from '../app.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });
const { avery } = SANDBOX_CLIENTS;
const therapist = SANDBOX_PRACTITIONERS.therapist.id;
const psychiatrist = SANDBOX_PRACTITIONERS.psychiatrist.id;

type FhirResource = Parameters<FhirClient['create']>[0];
type Task = Extract<FhirResource, { resourceType: 'Task' }>;
type Flag = Extract<FhirResource, { resourceType: 'Flag' }>;

/** The evidence writeback puts in the Task: re-identified text an audit event must never carry. */
const EVIDENCE = `"${avery.given} ${avery.family} said she thinks about not waking up" (notes[0].text)`;
const RAISED = '2025-03-14T15:30:00.000Z';

/**
 * Alert acknowledgement: a clinician completes the review Task writeback made for a risk
 * alert → one ALERT_ACKNOWLEDGED audit (ids, practitioner, minutes), nothing planned.
 */
describe('alert acknowledgement on task completed (sandbox EHR)', () => {
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  let bus: EmbeddedBus;
  let app: ServiceApp;
  let audits: RawRecord[];
  let tasks: RawRecord[];

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    audits = (await collectRaw(bus, auditEventTopic.name)).records;
    tasks = (await collectRaw(bus, aiTaskTopic.name)).records;
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(fhir),
        alertAcknowledgement: (id, version) => readAlertAcknowledgement(fhir, id, version),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
      },
    );
    await app.start();
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await bus.shutdown();
    await sandbox.stop();
  });

  /** A Flag and its review Task, shaped as writeback writes them (alert and CareRelay task identifiers). */
  async function writeAlertTask(ids: { alertId: string; taskId?: string }): Promise<Task> {
    const alertIdentifier = { system: 'urn:carerelay:alert', value: ids.alertId };
    const flag = await fhir.create<Flag>({
      resourceType: 'Flag',
      identifier: [alertIdentifier],
      status: 'active',
      code: { text: 'High risk: PHQ-9 item 9 answered above 0 (AI-Assisted, non-diagnostic)' },
      subject: { reference: `Patient/${avery.patientId}` },
    });
    return fhir.create<Task>({
      resourceType: 'Task',
      identifier: [
        alertIdentifier,
        ...(ids.taskId ? [{ system: 'urn:carerelay:task', value: ids.taskId }] : []),
      ],
      status: 'requested',
      intent: 'order',
      priority: 'stat',
      code: { text: 'Review AI risk alert' },
      description: EVIDENCE,
      focus: { reference: `Flag/${flag.id}` },
      for: { reference: `Patient/${avery.patientId}` },
      authoredOn: RAISED,
    });
  }

  const complete = (task: Task, owner: string | undefined, end: string): Promise<Task> =>
    fhir.update<Task>({
      ...task,
      status: 'completed',
      ...(owner ? { owner: { reference: `Practitioner/${owner}` } } : {}),
      executionPeriod: { end },
    });

  const completedChange = (task: Task, actorUserId: string | null = null): EhrChange => ({
    eventId: randomUUID(),
    tenantId: 't1',
    clientId: avery.patientId,
    changeType: 'TASK_COMPLETED',
    source: 'POLL',
    vendor: 'fhir-r4',
    resourceType: 'Task',
    resourceId: task.id!,
    resourceVersion: task.meta?.versionId ?? null,
    encounterId: null,
    actorUserId,
    occurredAt: Date.now(),
    receivedAt: Date.now(),
    requestedUseCase: null,
    actorRole: null,
    redraft: false,
  });

  const publish = (change: EhrChange): Promise<void> =>
    bus.publish(ehrChangeTopic, { key: `t1:${change.clientId}`, value: change });
  const decodedAudits = (): Promise<AuditEvent[]> =>
    Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)));
  const auditsOf = async (correlationId: string): Promise<AuditEvent[]> =>
    (await decodedAudits()).filter((a) => a.correlationId === correlationId);

  it(
    'a completed alert-review Task is audited as ALERT_ACKNOWLEDGED with ids, practitioner and minutes, never its text',
    { timeout: 20_000 },
    async () => {
      const [alertId, taskId] = [randomUUID(), randomUUID()];
      const done = await complete(
        await writeAlertTask({ alertId, taskId }),
        therapist,
        '2025-03-14T16:12:00.000Z',
      );
      const change = completedChange(done);
      const tasksBefore = tasks.length;
      await publish(change);
      await publish(change); // redelivered
      const acksOf = async (correlationId: string): Promise<AuditEvent[]> =>
        (await auditsOf(correlationId)).filter((a) => a.action === 'ALERT_ACKNOWLEDGED');
      await eventually(async () => (await acksOf(change.eventId)).length === 2, 'both deliveries audited');

      const [first, second] = await acksOf(change.eventId);
      // Same eventId (the audit store's identity): the store keeps one.
      expect(second!.eventId).toBe(first!.eventId);
      expect(first).toMatchObject<Partial<AuditEvent>>({
        action: 'ALERT_ACKNOWLEDGED',
        outcome: 'SUCCESS',
        tenantId: 't1',
        clientId: avery.patientId,
        taskId,
        correlationId: change.eventId,
        actor: { service: 'ehr-connector', userId: therapist, role: 'clinician' },
        // The EHR's completion time is kept as its claim, not as the event's time.
        ehrOccurredAt: Date.parse('2025-03-14T16:12:00.000Z'),
        counts: { minutesToAcknowledge: 42 },
        hashes: {},
        part2: false,
      });
      expect(first!.description).toContain(alertId);
      // Nothing of the Task's text or the client's identity in the event's bytes.
      const bytes = Buffer.concat(audits.map((r) => r.value!)).toString('latin1');
      for (const text of [avery.given, avery.family, 'waking up', 'PHQ-9']) expect(bytes).not.toContain(text);
      // An acknowledgement asks for no AI assistance: no policy decision, no task; but each
      // delivery read the Task (it holds the alert's evidence) from the EHR, and that is audited.
      const all = await auditsOf(change.eventId);
      expect(all.map((a) => a.action)).toEqual([
        'PHI_ACCESS',
        'ALERT_ACKNOWLEDGED',
        'PHI_ACCESS',
        'ALERT_ACKNOWLEDGED',
      ]);
      expect(all[0]).toMatchObject<Partial<AuditEvent>>({
        clientId: avery.patientId,
        taskId,
        purposeOfUse: 'OPERATIONS',
        outcome: 'SUCCESS',
      });
      expect(tasks.length).toBe(tasksBefore);
    },
  );

  it(
    "a Task back-dated three years in the EHR is recorded at CareRelay's time, the EHR's date kept as ehrOccurredAt",
    { timeout: 20_000 },
    async () => {
      const threeYearsAgo = new Date();
      threeYearsAgo.setUTCFullYear(threeYearsAgo.getUTCFullYear() - 3);
      const done = await complete(
        await writeAlertTask({ alertId: randomUUID() }),
        therapist,
        threeYearsAgo.toISOString(),
      );
      const change = completedChange(done);
      const before = Date.now();
      await publish(change);
      const ackOf = async (): Promise<AuditEvent | undefined> =>
        (await auditsOf(change.eventId)).find((a) => a.action === 'ALERT_ACKNOWLEDGED');
      await eventually(async () => (await ackOf()) !== undefined, 'the acknowledgement');
      const ack = (await ackOf())!;
      expect(ack.ehrOccurredAt).toBe(threeYearsAgo.getTime());
      expect(ack.occurredAt).toBeGreaterThanOrEqual(before);
      expect(ack.occurredAt).toBeLessThanOrEqual(Date.now());
    },
  );

  it(
    'the acknowledging clinician is the change actor when the Task names no practitioner owner; no task id → null',
    { timeout: 20_000 },
    async () => {
      const done = await complete(
        await writeAlertTask({ alertId: randomUUID() }),
        undefined,
        '2025-03-14T15:35:00.000Z',
      );
      const change = completedChange(done, psychiatrist);
      await publish(change);
      await eventually(
        async () => (await auditsOf(change.eventId)).some((a) => a.action === 'ALERT_ACKNOWLEDGED'),
        'the acknowledgement',
      );
      const ack = (await auditsOf(change.eventId)).find((a) => a.action === 'ALERT_ACKNOWLEDGED');
      expect(ack).toMatchObject({
        action: 'ALERT_ACKNOWLEDGED',
        taskId: null,
        actor: { userId: psychiatrist, role: 'clinician' },
        counts: { minutesToAcknowledge: 5 },
      });
    },
  );

  it(
    'a completed Task that is not a CareRelay alert records nothing and plans nothing',
    { timeout: 20_000 },
    async () => {
      const other = await fhir.create<Task>({
        resourceType: 'Task',
        identifier: [{ system: 'urn:example:ehr-task', value: randomUUID() }],
        status: 'completed',
        intent: 'order',
        description: 'Call back about the intake paperwork',
        for: { reference: `Patient/${avery.patientId}` },
        owner: { reference: `Practitioner/${therapist}` },
      });
      const unrelated = completedChange(other, therapist);
      const tasksBefore = tasks.length;
      await publish(unrelated);
      // Changes are handled in order: once the next one is audited, the unrelated one was handled.
      const marker = completedChange(
        await complete(
          await writeAlertTask({ alertId: randomUUID() }),
          therapist,
          '2025-03-14T15:40:00.000Z',
        ),
      );
      await publish(marker);
      await eventually(
        async () => (await auditsOf(marker.eventId)).some((a) => a.action === 'ALERT_ACKNOWLEDGED'),
        'the next change handled',
      );
      // Only the read of the Task (to find out it is not ours) is recorded.
      expect((await auditsOf(unrelated.eventId)).map((a) => a.action)).toEqual(['PHI_ACCESS']);
      expect(tasks.length).toBe(tasksBefore);
    },
  );
});
