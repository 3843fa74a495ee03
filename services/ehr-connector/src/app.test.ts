import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider, openEnvelope } from '@carerelay/crypto';
import { FhirAdapter, type FhirClient } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
} from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  InMemorySchemaStore,
  PayloadCodec,
  aiTaskTopic,
  auditEventTopic,
  ehrChangeTopic,
  taskContextPayload,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import type { Consent } from '@medplum/fhirtypes';
import { AI_PROCESSING_CONSENT_CODE, CARERELAY_CONSENT_SYSTEM } from '@carerelay/policy';
import { createLogger } from '@carerelay/logger';
import type { ServiceApp } from '@carerelay/runtime';
import { createEhrConnectorApp } from './app.js';
import { taskIdFor } from './handlers/plan-change.js';
import { FhirChangePoller, InMemoryCursorStore } from './ingress/change-poller.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });
const avery = SANDBOX_CLIENTS.avery;
const riley = SANDBOX_CLIENTS.riley;

function change(clientId: string, encounterId: string, actor: string): EhrChange {
  return {
    eventId: randomUUID(),
    tenantId: 't1',
    clientId,
    changeType: 'SESSION_ENDED',
    source: 'POLL',
    vendor: 'fhir-r4',
    resourceType: 'Encounter',
    resourceId: encounterId,
    resourceVersion: '1',
    encounterId,
    actorUserId: actor,
    occurredAt: Date.now(),
    receivedAt: Date.now(),
    requestedUseCase: null,
    actorRole: null,
    redraft: false,
  };
}

describe('ehr-connector task planner on the sandbox EHR', () => {
  let sandbox: Awaited<ReturnType<typeof startSandboxEhr>>;
  let bus: EmbeddedBus;
  let app: ServiceApp;
  const keys = LocalKeyProvider.ephemeral();

  beforeEach(async () => {
    sandbox = await startSandboxEhr();
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const fhir = sandboxFhirClient(sandbox, { scope: 'system/*.read' });
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      { adapter: new FhirAdapter(fhir), keys, noteFormat: 'soap_note', maxAttempts: 2, retryInitialMs: 10 },
    );
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await bus.shutdown();
    await sandbox.stop();
  });

  const audits = async (records: { value: Buffer | null }[]): Promise<AuditEvent[]> =>
    Promise.all(records.map((r) => serde.decode(auditEventTopic, r.value!)));

  it('a finished session of a care-team clinician becomes one sealed soap_note task', async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const c = change(avery.patientId, avery.encounterIds.session53, SANDBOX_PRACTITIONERS.therapist.id);
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: c });
    await eventually(() => tasks.records.length === 1, 'the task', 10_000);
    const bytes = tasks.records[0]!.value!;
    expect(bytes.includes(Buffer.from(avery.family))).toBe(false); // the context travels sealed
    const task = await serde.decode(aiTaskTopic, bytes);
    expect(task).toMatchObject({
      useCase: 'soap_note',
      clientId: avery.patientId,
      encounterId: avery.encounterIds.session53,
      purposeOfUse: 'TREATMENT',
    });
    const context = new PayloadCodec(taskContextPayload).decode(
      await openEnvelope(task.context, { tenantId: 't1', aad: `t1:${task.taskId}`, keys }),
    );
    expect(context.client.familyName).toBe(avery.family);
    expect(context.encounter?.id).toBe(avery.encounterIds.session53);
    expect(task.sourceRefs.some((r) => r.startsWith(`Encounter/${avery.encounterIds.session53}`))).toBe(true);
  });

  it("denies a clinician who is not on the client's care team: no task, an audited denial", async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    await bus.publish(ehrChangeTopic, {
      key: `t1:${avery.patientId}`,
      value: change(avery.patientId, avery.encounterIds.session53, SANDBOX_PRACTITIONERS.counselor.id),
    });
    await eventually(() => audit.records.length >= 1, 'the policy decision');
    const [decision] = await audits(audit.records);
    expect(decision).toMatchObject({
      action: 'POLICY_DECISION',
      outcome: 'DENIED',
      reasonCode: 'NOT_ON_CARE_TEAM',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(tasks.records).toHaveLength(0);
  });

  it("sends a Part 2 client's records only under a consent covering the purpose, naming that consent", async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    const encounterId = Object.values(riley.encounterIds)[0]!;
    await bus.publish(ehrChangeTopic, {
      key: `t1:${riley.patientId}`,
      value: change(riley.patientId, encounterId, SANDBOX_PRACTITIONERS.counselor.id),
    });
    await eventually(() => tasks.records.length === 1, 'the task', 10_000);
    const events = await audits(audit.records);
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'POLICY_DECISION:SUCCESS',
      'PHI_ACCESS:SUCCESS',
      'CONSENT_CHECK:SUCCESS',
    ]);
    // The seeded consent (written, TREAT/HPAYMT/HOPERAT, until revoked) is the one named.
    expect(events[2]).toMatchObject({ part2: true, purposeOfUse: 'TREATMENT' });
    expect(events[2]?.description).toContain(`consent Consent/${riley.consentId}/_history/`);
    const task = await serde.decode(aiTaskTopic, tasks.records[0]!.value!);
    expect(task.securityLabels).toContain('42CFRPart2');
  });

  it("refuses a Part 2 client's records when the consent is revoked (fail closed), and says why", async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    // Revocation in writing: a new version of the consent, status inactive.
    const writer = sandboxFhirClient(sandbox, { scope: 'system/*.read system/*.write' });
    const consent = await writer.read<Consent>('Consent', riley.consentId);
    await writer.update<Consent>({ ...consent, status: 'inactive', dateTime: new Date().toISOString() });
    const encounterId = Object.values(riley.encounterIds)[0]!;
    await bus.publish(ehrChangeTopic, {
      key: `t1:${riley.patientId}`,
      value: change(riley.patientId, encounterId, SANDBOX_PRACTITIONERS.counselor.id),
    });
    await eventually(() => audit.records.length >= 3, 'audit events', 10_000);
    const events = await audits(audit.records);
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'POLICY_DECISION:SUCCESS',
      'PHI_ACCESS:SUCCESS',
      'CONSENT_CHECK:DENIED',
    ]);
    expect(events[2]).toMatchObject({ part2: true, reasonCode: 'PART2_CONSENT_REVOKED' });
    expect(tasks.records).toHaveLength(0);
  });

  it('the same change redelivered, or seen again after an edit, plans one task; the repeat is audited as a duplicate', async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    const c = change(avery.patientId, avery.encounterIds.session53, SANDBOX_PRACTITIONERS.therapist.id);
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: c });
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: c });
    await bus.publish(ehrChangeTopic, {
      key: `t1:${avery.patientId}`,
      value: { ...c, eventId: randomUUID(), resourceVersion: '2' },
    });
    // Sentinel: another session of the same client, behind them on the same partition.
    await bus.publish(ehrChangeTopic, {
      key: `t1:${avery.patientId}`,
      value: change(avery.patientId, avery.encounterIds.intake, SANDBOX_PRACTITIONERS.therapist.id),
    });
    await eventually(() => tasks.records.length === 2, 'the task and the sentinel', 10_000);
    const planned = await Promise.all(tasks.records.map((r) => serde.decode(aiTaskTopic, r.value!)));
    expect(planned.map((t) => t.encounterId)).toEqual([
      avery.encounterIds.session53,
      avery.encounterIds.intake,
    ]);
    const duplicates = (await audits(audit.records)).filter(
      (e) => e.reasonCode === 'DUPLICATE_CHANGE_IGNORED',
    );
    expect(duplicates.map((e) => e.taskId)).toEqual([planned[0]!.taskId, planned[0]!.taskId]);
  });
  it('an on-demand request plans the use case asked for, in the role the ingress authenticated', async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const c: EhrChange = {
      ...change(avery.patientId, avery.encounterIds.session53, SANDBOX_PRACTITIONERS.therapist.id),
      source: 'ON_DEMAND',
      changeType: 'OTHER',
      requestedUseCase: 'treatment_plan',
      actorRole: 'clinician',
    };
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: c });
    await eventually(() => tasks.records.length === 1, 'the task', 10_000);
    const task = await serde.decode(aiTaskTopic, tasks.records[0]!.value!);
    expect(task).toMatchObject({
      useCase: 'treatment_plan',
      requestedBy: { userId: SANDBOX_PRACTITIONERS.therapist.id, role: 'clinician' },
    });
    expect(task.taskId).toBe(
      taskIdFor({
        tenantId: 't1',
        clientId: avery.patientId,
        subject: `Encounter/${avery.encounterIds.session53}`,
        useCase: 'treatment_plan',
      }),
    );
  });

  it('polling: while the EHR is slow to answer a pass, no other pass starts; the next one starts after it', async () => {
    const fhir = sandboxFhirClient(sandbox, { scope: 'system/*.read' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let searches = 0;
    const slow = Object.create(fhir) as FhirClient;
    slow.search = async (...args: Parameters<FhirClient['search']>) => {
      searches += 1;
      await gate;
      return fhir.search(...args);
    };
    const polling = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(fhir),
        keys,
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
        groupId: 'ehr-connector-polling',
        polling: {
          intervalMs: 20,
          poller: new FhirChangePoller({
            fhir: slow,
            cursors: new InMemoryCursorStore(),
            tenantId: 't-slow',
            vendor: 'fhir-r4',
            logger,
            publish: () => Promise.resolve(),
          }),
        },
      },
    );
    await polling.start();
    try {
      await eventually(() => searches >= 1, 'the first search');
      await new Promise((r) => setTimeout(r, 300)); // 15 intervals while the EHR is stuck
      expect(searches).toBe(1);
      release();
      await eventually(() => searches >= 6, 'a second pass after the first', 10_000);
    } finally {
      release();
      await polling.stop();
    }
  });
});

describe('a practice that requires consent to AI-assisted processing', () => {
  it("refuses a model use case without the client's AI consent, and plans it once the EHR has one", async () => {
    const sandbox = await startSandboxEhr();
    const bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const fhir = sandboxFhirClient(sandbox, { scope: 'system/*.read system/*.write' });
    const app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(fhir),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
        policy: { aiConsentRequired: true },
      },
    );
    await app.start();
    try {
      const tasks = await collectRaw(bus, aiTaskTopic.name);
      const audit = await collectRaw(bus, auditEventTopic.name);
      const therapist = SANDBOX_PRACTITIONERS.therapist.id;
      await bus.publish(ehrChangeTopic, {
        key: `t1:${avery.patientId}`,
        value: change(avery.patientId, avery.encounterIds.session53, therapist),
      });
      await eventually(() => audit.records.length >= 3, 'the consent check', 10_000);
      const events = await Promise.all(audit.records.map((r) => serde.decode(auditEventTopic, r.value!)));
      expect(events.find((e) => e.action === 'CONSENT_CHECK')).toMatchObject({
        outcome: 'DENIED',
        reasonCode: 'AI_CONSENT_ABSENT',
        part2: false,
      });
      expect(tasks.records).toHaveLength(0);

      // The client consents (a Consent of the AI-processing category); the EHR reports it.
      const consent = await fhir.create<Consent>({
        resourceType: 'Consent',
        status: 'active',
        scope: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
        },
        category: [{ coding: [{ system: CARERELAY_CONSENT_SYSTEM, code: AI_PROCESSING_CONSENT_CODE }] }],
        patient: { reference: `Patient/${avery.patientId}` },
        dateTime: new Date().toISOString(),
        provision: { type: 'permit', period: { start: '2025-01-01' } },
      });
      await bus.publish(ehrChangeTopic, {
        key: `t1:${avery.patientId}`,
        value: {
          ...change(avery.patientId, '', therapist),
          changeType: 'OTHER',
          resourceType: 'Consent',
          resourceId: consent.id ?? '',
          encounterId: null,
        },
      });
      await bus.publish(ehrChangeTopic, {
        key: `t1:${avery.patientId}`,
        value: change(avery.patientId, avery.encounterIds.session53, therapist),
      });
      await eventually(() => tasks.records.length === 1, 'the task, once consented', 10_000);
    } finally {
      await app.stop();
      await bus.shutdown();
      await sandbox.stop();
    }
  });
});
