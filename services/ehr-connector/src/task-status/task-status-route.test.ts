import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, type AuditFacts } from '@carerelay/audit';
import { EmbeddedBus, type RawRecord } from '@carerelay/bus';
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
  auditEventTopic,
  ehrChangeTopic,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createBearerVerifier } from '@carerelay/runtime';
import { createEhrConnectorApp, type EhrConnectorApp } from '../app.js';
import { taskIdForChange } from '../handlers/plan-change.js';
import { InMemoryIdempotencyStore } from '../ingress/idempotency-store.js';
import { markQueued } from './project-audit.js';
import { InMemoryTaskStatusStore } from './task-status-store.js';

const ISSUER = 'https://idp.practice.test';
const TENANT = 't1';
const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });
const avery = SANDBOX_CLIENTS.avery;
const therapist = SANDBOX_PRACTITIONERS.therapist.id;

/**
 * `GET /v1/tasks/:taskId` on the connector's ingress, with the projection consuming the
 * audit stream of an embedded bus: the planner's own audit events move the task to planned,
 * downstream services' events (published here by hand) move it on.
 */
describe('task status over HTTP', () => {
  let sandbox: Awaited<ReturnType<typeof startSandboxEhr>>;
  let bus: EmbeddedBus;
  let app: EhrConnectorApp;
  let signingKey: CryptoKey;
  let audits: RawRecord[];
  const store = new InMemoryTaskStatusStore();

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    audits = (await collectRaw(bus, auditEventTopic.name)).records;
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(sandboxFhirClient(sandbox, { scope: 'system/*.read' })),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
        taskStatus: store,
        ingress: {
          host: '127.0.0.1',
          port: 0,
          tenantId: TENANT,
          tasks: {
            verify: createBearerVerifier({
              publicKeyPem: await exportSPKI(pair.publicKey),
              issuer: ISSUER,
              audience: 'carerelay',
            }),
            idempotency: { store: new InMemoryIdempotencyStore(), ttlSeconds: 3600 },
          },
        },
      },
    );
    await app.start();
  }, 60_000);

  let stopped = false;
  afterAll(async () => {
    if (!stopped) await app?.stop();
    await bus?.shutdown();
    await sandbox?.stop();
  });

  const token = (sub: string, roles: string[], tenant = TENANT): Promise<string> =>
    new SignJWT({ tenant_id: tenant, roles })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience('carerelay')
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  const asTherapist = (): Promise<string> => token(therapist, ['clinician']);

  async function status(
    taskId: string,
    bearer: string | Promise<string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${app.ingressUrl()!}/v1/tasks/${encodeURIComponent(taskId)}`, {
      headers: { authorization: `Bearer ${await bearer}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function stateOf(taskId: string): Promise<unknown> {
    return (await status(taskId, asTherapist())).body['state'];
  }

  /** An audit event of a service for the task, built as that service builds it. */
  function publishAudit(
    facts: Partial<Omit<AuditFacts, 'tenantId'>> & Pick<AuditFacts, 'action' | 'outcome' | 'taskId'>,
  ) {
    const event = auditEvent({
      service: 'deidentifier',
      clientId: avery.patientId,
      useCase: 'soap_note',
      ...facts,
      tenantId: TENANT,
    });
    return bus.publish(auditEventTopic, { key: TENANT, value: event });
  }

  let taskId: string;

  it('an encounter of another client is refused at once (403), before anything is queued', async () => {
    const res = await fetch(`${app.ingressUrl()!}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await asTherapist()}` },
      body: JSON.stringify({
        clientId: avery.patientId,
        useCase: 'soap_note',
        encounterId: SANDBOX_CLIENTS.jordan.encounterIds.intake,
      }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('EHR_SUBJECT_MISMATCH');
  });

  it('the requester follows an on-demand task: planned, drafting, written', async () => {
    const res = await fetch(`${app.ingressUrl()!}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await asTherapist()}` },
      body: JSON.stringify({
        clientId: avery.patientId,
        useCase: 'soap_note',
        encounterId: avery.encounterIds.session53,
      }),
    });
    expect(res.status).toBe(202);
    taskId = ((await res.json()) as { taskId: string }).taskId;

    // The planner reads the context and audits it with the task id: the projection sees it.
    await eventually(async () => (await stateOf(taskId)) === 'planned', 'planned', 10_000);
    await publishAudit({ taskId, action: 'DEID', outcome: 'SUCCESS' });
    await eventually(async () => (await stateOf(taskId)) === 'drafting', 'drafting', 10_000);
    await publishAudit({
      taskId,
      action: 'DRAFT_WRITTEN',
      outcome: 'SUCCESS',
      reasonCode: 'CREATED',
      service: 'writeback',
    });
    await eventually(async () => (await stateOf(taskId)) === 'written', 'written', 10_000);

    const { status: code, body } = await status(taskId, asTherapist());
    expect(code).toBe(200);
    expect(body).toMatchObject({
      taskId,
      state: 'written',
      useCase: 'soap_note',
      reasonCode: null,
      rule: null,
    });
    // `queued` first when the ingress wrote it before the planner's PHI_ACCESS was projected.
    const states = (body['history'] as { state: string }[]).map((h) => h.state);
    expect(states.filter((s) => s !== 'queued')).toEqual(['planned', 'drafting', 'written']);
    expect(states.indexOf('queued')).toBeLessThanOrEqual(0);
    expect(body['updatedAt']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Ids and codes only: nothing about the client.
    expect(JSON.stringify(body)).not.toContain(avery.patientId);
  });

  it('an accepted request the planner has not reached yet is queued', async () => {
    const queuedId = randomUUID();
    const at = Date.parse('2026-03-02T15:00:00.000Z');
    await markQueued(store, {
      tenantId: TENANT,
      taskId: queuedId,
      useCase: 'chart_summary',
      userId: therapist,
      at,
    });
    expect(await status(queuedId, asTherapist())).toEqual({
      status: 200,
      body: {
        taskId: queuedId,
        state: 'queued',
        useCase: 'chart_summary',
        reasonCode: null,
        rule: null,
        updatedAt: '2026-03-02T15:00:00.000Z',
        history: [{ state: 'queued', at: '2026-03-02T15:00:00.000Z' }],
      },
    });
  });

  it('another user of the tenant gets the same 404 as for an unknown task; oversight roles see it', async () => {
    const other = await status(taskId, token('sbx-pract-psychiatrist', ['clinician']));
    const unknown = await status(randomUUID(), asTherapist());
    expect(other).toEqual({
      status: 404,
      body: { code: 'TASK_NOT_FOUND', reason: 'no such task for this user' },
    });
    expect(unknown).toEqual(other);
    expect((await status(taskId, token('compliance-1', ['compliance_officer']))).body['state']).toBe(
      'written',
    );
    expect((await status(taskId, token('ops-1', ['platform_admin']))).status).toBe(200);
  });

  it("another tenant's token is a 403, a bad token a 401", async () => {
    const wrongTenant = await status(taskId, token(therapist, ['clinician'], 't2'));
    expect(wrongTenant.status).toBe(403);
    expect(wrongTenant.body['code']).toBe('AUTH_WRONG_TENANT');
    const forged = await status(
      taskId,
      asTherapist().then((t) => `${t.slice(0, -4)}AAAA`),
    );
    expect(forged.status).toBe(401);
    expect(forged.body['code']).toBe('AUTH_TOKEN_INVALID');
    const missing = await fetch(`${app.ingressUrl()!}/v1/tasks/${taskId}`);
    expect(missing.status).toBe(401);
  });

  it('a refused task shows its reason code and rule', async () => {
    const refusedId = randomUUID();
    await publishAudit({
      taskId: refusedId,
      action: 'POLICY_DECISION',
      outcome: 'DENIED',
      reasonCode: 'PART2_CONSENT_REQUIRED',
      description: 'use case soap_note: rule=part2.consent',
      service: 'ehr-connector',
      userId: therapist,
      role: 'clinician',
    });
    await eventually(async () => (await stateOf(refusedId)) === 'refused', 'refused', 10_000);
    expect((await status(refusedId, asTherapist())).body).toMatchObject({
      taskId: refusedId,
      state: 'refused',
      reasonCode: 'PART2_CONSENT_REQUIRED',
      rule: 'part2.consent',
    });
  });

  it("the planner's own refusal is visible to the practitioner the EHR named, with reason and rule", async () => {
    const counselor = SANDBOX_PRACTITIONERS.counselor.id; // not on Avery's care team
    const change: EhrChange = {
      eventId: randomUUID(),
      tenantId: TENANT,
      clientId: avery.patientId,
      changeType: 'SESSION_ENDED',
      source: 'POLL',
      vendor: 'fhir-r4',
      resourceType: 'Encounter',
      resourceId: avery.encounterIds.intake,
      resourceVersion: '1',
      encounterId: avery.encounterIds.intake,
      actorUserId: counselor,
      occurredAt: Date.now(),
      receivedAt: Date.now(),
      requestedUseCase: null,
      actorRole: null,
      redraft: false,
    };
    await bus.publish(ehrChangeTopic, { key: `${TENANT}:${avery.patientId}`, value: change });
    const refusedId = taskIdForChange(change, 'soap_note');
    const asCounselor = token(counselor, ['clinician']);
    await eventually(
      async () => (await status(refusedId, asCounselor)).status === 200,
      'the refusal',
      10_000,
    );
    expect((await status(refusedId, asCounselor)).body).toMatchObject({
      state: 'refused',
      useCase: 'soap_note',
      reasonCode: 'NOT_ON_CARE_TEAM',
      rule: 'relationship.required',
    });
    // The therapist did not ask for this task.
    expect((await status(refusedId, asTherapist())).status).toBe(404);
  });

  it('refused tokens are counted as auth failures of the route (audited when the ingress closes)', async () => {
    stopped = true;
    await app.stop();
    const events = await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)));
    const failures = events.filter((e) => e.action === 'AUTH_FAILURE');
    const route = (e: AuditEvent): string => e.description?.slice(0, e.description.indexOf(': ')) ?? '';
    expect(failures.map((e) => `${e.reasonCode} ${route(e)} ${e.counts['failures']}`).sort()).toEqual([
      'AUTH_TOKEN_INVALID GET /v1/tasks/:taskId 1',
      'AUTH_TOKEN_MISSING GET /v1/tasks/:taskId 1',
      'AUTH_WRONG_TENANT GET /v1/tasks/:taskId 1',
    ]);
  });
});
