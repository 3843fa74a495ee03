import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { keyedHash, LocalKeyProvider } from '@carerelay/crypto';
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
  RegistrySchemaStore,
  auditEventTopic,
  ehrChangeTopic,
  ehrWritebackTopic,
  riskAlertTopic,
  type AuditEvent,
  type EhrChange,
  type RiskAlert,
} from '@carerelay/events';
import { InMemoryTokenVault } from '@carerelay/phi';
import type { ServiceApp } from '@carerelay/runtime';
import { AuditStore, migrateAuditStore } from '@carerelay/service-audit-sink';
import { createScratchDatabase, type ScratchDatabase } from '@carerelay/service-audit-sink/testing';
import {
  FhirChangePoller,
  InMemoryCursorStore,
  createEhrConnectorApp,
} from '@carerelay/service-ehr-connector';
import { createWritebackApp } from '@carerelay/service-writeback';
import { captureLogger } from './support/capture-logger.js';

type FhirResource = Parameters<FhirClient['create']>[0];
type Task = Extract<FhirResource, { resourceType: 'Task' }>;

const MINUTE = 60_000;

/**
 * "Every alert needs acknowledgement, logged" (DOMAIN.md, low-noise alerting), on the
 * sandbox FHIR server: writeback writes a risk alert's Flag and review Task, a clinician
 * completes the Task, one poll of the connector → one ALERT_ACKNOWLEDGED audit event
 * (tenant, client, CareRelay task, practitioner, minutes; no text), stored once in the
 * real audit store however often the change is delivered. Events are Avro-encoded
 * against the real registry (ehr.change.v1 with TASK_COMPLETED).
 */
describe('alert review Task completed → ALERT_ACKNOWLEDGED (sandbox EHR, registry, Postgres audit store)', () => {
  const avery = SANDBOX_CLIENTS.avery;
  const therapist = SANDBOX_PRACTITIONERS.therapist.id;
  const tenant = `ack-${randomUUID().slice(0, 8)}`;
  const log = captureLogger('ack');
  const serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
  // The alert reached the EHR 90 minutes ago; the clinician acknowledges it 37 minutes later.
  const raisedAt = Math.floor((Date.now() - 90 * MINUTE) / 1000) * 1000;
  const acknowledgedAt = raisedAt + 37 * MINUTE;
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  let bus: EmbeddedBus;
  let poller: FhirChangePoller;
  let db: ScratchDatabase;
  let store: AuditStore;
  let audits: RawRecord[];
  let outcomes: RawRecord[];
  const polled: EhrChange[] = [];
  const apps: ServiceApp[] = [];
  const keys = LocalKeyProvider.ephemeral();
  const vault = new InMemoryTokenVault(keys);

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
    db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_ack');
    await migrateAuditStore(db.adminUrl);
    store = AuditStore.fromConfig({ url: db.urlAs('carerelay_audit_writer') });
    bus = EmbeddedBus.fromConfig({ serde, logger: log.logger });
    await bus.start();
    audits = (await collectRaw(bus, auditEventTopic.name)).records;
    outcomes = (await collectRaw(bus, ehrWritebackTopic.name)).records;
    const context = { bus, logger: log.logger, concurrency: 1 };
    apps.push(
      createWritebackApp(context, {
        vault,
        keys,
        fhir,
        ehrEndpoint: sandbox.baseUrl,
        maxAttempts: 2,
        retryInitialMs: 10,
        now: () => raisedAt,
      }),
      createEhrConnectorApp(context, {
        adapter: new FhirAdapter(fhir),
        alertAcknowledgement: (id, version) => readAlertAcknowledgement(fhir, id, version),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
      }),
    );
    for (const app of apps) await app.start();
    poller = new FhirChangePoller({
      fhir,
      cursors: new InMemoryCursorStore(),
      tenantId: tenant,
      vendor: 'fhir-r4',
      logger: log.logger,
      publish: async (change) => {
        polled.push(change);
        await bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change });
      },
    });
    expect(await poller.pollOnce()).toBe(0); // the baseline: history is not replayed
  }, 60_000);

  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
    await bus?.shutdown();
    await store?.close();
    await sandbox?.stop();
    await db?.drop();
  });

  const acknowledgements = async (): Promise<AuditEvent[]> =>
    (await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
      (a) => a.action === 'ALERT_ACKNOWLEDGED',
    );

  it('completing the alert Task is audited once, with who and how long, and never the alert text', async () => {
    // 1. writeback puts an interrupting alert into the EHR: a Flag and a review Task.
    const alert: RiskAlert = {
      alertId: randomUUID(),
      taskId: randomUUID(),
      tenantId: tenant,
      // The deidentifier's pseudonym of the client: writeback refuses an alert whose subject differs.
      subjectRef: keyedHash(await keys.deriveKey(tenant, 'pseudonym'), avery.patientId),
      severity: 'HIGH',
      interrupting: true,
      trigger: 'PHQ9_ITEM9',
      evidence: [
        {
          field: 'notes[0].text',
          start: 0,
          end: 44,
          excerpt: '[CLIENT] said she thinks about not waking up',
        },
      ],
      dedupKey: 'pseudo-ack-1:PHQ9_ITEM9',
      ruleVersion: '2.3.0',
      securityLabels: [],
      consentRef: null,
      raisedAt,
    };
    await vault.put(
      {
        tenantId: tenant,
        taskId: alert.taskId,
        clientId: avery.patientId,
        tokens: { '[CLIENT]': { value: `${avery.given} ${avery.family}`, type: 'NAME' } },
        dateShiftDays: null,
        createdAt: Date.now(),
      },
      600,
    );
    await bus.publish(riskAlertTopic, { key: `${tenant}:${alert.subjectRef}`, value: alert });
    await eventually(() => outcomes.length === 1, 'the alert written to the EHR');
    const [task] = await fhir.search<Task>('Task', { identifier: `urn:carerelay:alert|${alert.alertId}` });
    expect(task?.status).toBe('requested');
    const description = task!.description ?? '';
    expect(description).toContain(`${avery.given} ${avery.family} said she thinks about not waking up`);

    // A Task the EHR's own workflow completes: not a CareRelay alert.
    const unrelated = await fhir.create<Task>({
      resourceType: 'Task',
      status: 'completed',
      intent: 'order',
      description: 'Fax the release of information form',
      for: { reference: `Patient/${avery.patientId}` },
      owner: { reference: `Practitioner/${therapist}` },
    });

    // 2. The clinician acknowledges the alert: the Task is completed, owned by them.
    await fhir.update<Task>({
      ...task!,
      status: 'completed',
      owner: { reference: `Practitioner/${therapist}` },
      executionPeriod: {
        start: new Date(raisedAt).toISOString(),
        end: new Date(acknowledgedAt).toISOString(),
      },
    });

    // 3. One poll: the alert Task's completion, and nothing for the unrelated Task.
    expect(await poller.pollOnce()).toBe(1);
    expect(polled.map((c) => [c.changeType, c.resourceId])).toEqual([['TASK_COMPLETED', task!.id]]);
    await eventually(async () => (await acknowledgements()).length === 1, 'the acknowledgement audited');
    const [ack] = await acknowledgements();
    expect(ack).toMatchObject<Partial<AuditEvent>>({
      tenantId: tenant,
      action: 'ALERT_ACKNOWLEDGED',
      outcome: 'SUCCESS',
      clientId: avery.patientId,
      taskId: alert.taskId,
      correlationId: polled[0]!.eventId,
      actor: { service: 'ehr-connector', userId: therapist, role: 'clinician' },
      // The EHR's completion time is kept as its claim; occurredAt is CareRelay's clock.
      ehrOccurredAt: acknowledgedAt,
      counts: { minutesToAcknowledge: 37 },
    });
    expect(ack!.description).toContain(alert.alertId);

    // No text of the alert and no identity of the client in any audit event or log line.
    const bytes = Buffer.concat(audits.map((r) => r.value!)).toString('latin1');
    for (const text of [avery.given, avery.family, 'waking up', description.slice(0, 40)]) {
      expect(bytes).not.toContain(text);
      expect(log.text()).not.toContain(text);
    }

    // 4. A second poll finds nothing new.
    expect(await poller.pollOnce()).toBe(0);
    expect(polled).toHaveLength(1);

    // 5. The unrelated Task reported anyway (as a vendor webhook might) records nothing; the
    //    alert's change redelivered repeats the same event, which the audit store keeps once.
    const forged: EhrChange = {
      ...polled[0]!,
      eventId: randomUUID(),
      resourceId: unrelated.id!,
      resourceVersion: null,
    };
    await bus.publish(ehrChangeTopic, { key: `${tenant}:${avery.patientId}`, value: forged });
    await bus.publish(ehrChangeTopic, { key: `${tenant}:${avery.patientId}`, value: polled[0]! });
    await eventually(async () => (await acknowledgements()).length === 2, 'the redelivery handled');
    const [original, repeated] = await acknowledgements();
    // The same act, recorded again at CareRelay's later time: same eventId, the store's identity.
    expect({ ...repeated, occurredAt: 0 }).toEqual({ ...original, occurredAt: 0 });
    const decoded = await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)));
    // Only the read of the unrelated Task (to find it is not an alert's) is recorded.
    expect(decoded.filter((a) => a.correlationId === forged.eventId).map((a) => a.action)).toEqual([
      'PHI_ACCESS',
    ]);

    expect(await store.appendEvents([original!])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await store.appendEvents([repeated!])).toEqual({ inserted: 0, duplicates: 1 });
    const stored = await store.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit.events WHERE tenant_id = $1 AND action = 'ALERT_ACKNOWLEDGED'`,
      [tenant],
    );
    expect(stored.rows[0]!.n).toBe('1');
  }, 15_000);
});
