import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
} from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  InMemorySchemaStore,
  aiTaskTopic,
  auditEventTopic,
  dlqTopicName,
  ehrChangeTopic,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import type { ServiceApp } from '@carerelay/runtime';
import { createEhrConnectorApp } from '../app.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });
const { avery, jordan } = SANDBOX_CLIENTS;
const therapist = SANDBOX_PRACTITIONERS.therapist.id;

function onDemand(clientId: string, encounterId: string): EhrChange {
  return {
    eventId: randomUUID(),
    tenantId: 't1',
    clientId,
    changeType: 'OTHER',
    source: 'ON_DEMAND',
    vendor: 'carerelay',
    resourceType: 'Encounter',
    resourceId: encounterId,
    resourceVersion: null,
    encounterId,
    actorUserId: therapist,
    occurredAt: Date.now(),
    receivedAt: Date.now(),
    requestedUseCase: 'soap_note',
    actorRole: 'clinician',
    redraft: false,
  };
}

describe("the planner refuses a task whose EHR reads are not all about the task's client", () => {
  let sandbox: Awaited<ReturnType<typeof startSandboxEhr>>;
  let bus: EmbeddedBus;
  let app: ServiceApp;

  beforeEach(async () => {
    sandbox = await startSandboxEhr();
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(sandboxFhirClient(sandbox, { scope: 'system/*.read' })),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
      },
    );
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await bus.shutdown();
    await sandbox.stop();
  });

  it("client A paired with B's encounter: refused, audited, no ai.task, not dead-lettered", async () => {
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    const dlq = await collectRaw(bus, dlqTopicName(ehrChangeTopic.name));
    const crossed = onDemand(avery.patientId, jordan.encounterIds.followUp);
    const sentinel = onDemand(avery.patientId, avery.encounterIds.session53);
    // Same key, same partition: once the sentinel's task is out, the crossed change was handled.
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: crossed });
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: sentinel });
    await eventually(() => tasks.records.length >= 1, 'the sentinel task', 10_000);

    const published = await Promise.all(tasks.records.map((r) => serde.decode(aiTaskTopic, r.value!)));
    expect(published.map((t) => t.changeEventId)).toEqual([sentinel.eventId]);
    expect(dlq.records).toEqual([]);
    const events = await Promise.all(audit.records.map((r) => serde.decode(auditEventTopic, r.value!)));
    const refusal = events.filter((e) => e.correlationId === crossed.eventId && e.outcome === 'DENIED');
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatchObject({
      action: 'POLICY_DECISION',
      reasonCode: 'EHR_SUBJECT_MISMATCH',
      clientId: avery.patientId,
    });
    expect(refusal[0]!.description).toContain(`Encounter/${jordan.encounterIds.followUp}`);
    expect(JSON.stringify(events)).not.toContain(jordan.family);
  });
});
