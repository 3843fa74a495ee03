import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually, uniqueName } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, webhookSignatureHeader, type FhirClient } from '@carerelay/ehr';
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
  aiTaskTopic,
  auditEventTopic,
  ehrChangeTopic,
  type AiTask,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createBearerVerifier } from '@carerelay/runtime';
import { createEhrConnectorApp, type EhrConnectorApp } from '../app.js';
import { FhirChangePoller, InMemoryCursorStore } from '../ingress/change-poller.js';
import { RedisIdempotencyStore } from '../ingress/idempotency-store.js';
import { RedisReplayStore } from '../ingress/redis-replay-store.js';
import { RedisTaskClaims } from '../task-claims.js';

const SECRET = Buffer.from('dedup-test-secret-0123456789abcdef');
const ISSUER = 'https://idp.practice.test';
const logger = createLogger({ service: 'test', level: 'silent' });
const { avery } = SANDBOX_CLIENTS;
const therapist = SANDBOX_PRACTITIONERS.therapist.id;

/** The documented task identity, computed here independently of the code under test. */
function expectedTaskId(parts: readonly string[]): string {
  const h = createHash('sha256')
    .update(['carerelay-task', ...parts].join('\u0000'))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * One draft per (encounter, use case), whatever the ingress and however often the EHR
 * edits the encounter afterwards; a redraft is a separate, audited request. Real Kafka,
 * registry, Redis (task claims) and the sandbox FHIR server.
 */
describe('one task per session across webhook, poll and edits (real Kafka, Redis, sandbox EHR)', () => {
  const tenant = uniqueName('tenant').replace(/\./g, '-');
  const serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
  const redis = new Redis(inject('redisUrl'));
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  let bus: KafkaBus;
  let app: EhrConnectorApp;
  let poller: FhirChangePoller;
  let tasks: RawRecord[];
  let audits: RawRecord[];
  let signingKey: CryptoKey;

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox, { scope: 'system/*.read system/*.write' });
    bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'dedup-test',
      serde,
      logger,
    });
    await bus.start();
    tasks = (await collectRaw(bus, aiTaskTopic.name)).records;
    audits = (await collectRaw(bus, auditEventTopic.name)).records;
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    const publish = (change: EhrChange): Promise<void> =>
      bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change });
    poller = new FhirChangePoller({
      fhir,
      cursors: new InMemoryCursorStore(),
      tenantId: tenant,
      vendor: 'fhir-r4',
      logger,
      startAt: new Date(Date.now() - 1).toISOString(),
      publish,
    });
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(fhir),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 3,
        retryInitialMs: 50,
        groupId: `dedup-connector-${randomUUID()}`,
        fromBeginning: false,
        claims: new RedisTaskClaims(redis, { prefix: `test:${randomUUID()}:`, ttlSeconds: 3600 }),
        ingress: {
          host: '127.0.0.1',
          port: 0,
          tenantId: tenant,
          webhook: {
            secret: SECRET,
            vendor: 'acme-ehr',
            replay: new RedisReplayStore(redis, `test:${randomUUID()}:`),
          },
          tasks: {
            verify: createBearerVerifier({
              publicKeyPem: await exportSPKI(pair.publicKey),
              issuer: ISSUER,
              audience: 'carerelay',
            }),
            idempotency: {
              store: new RedisIdempotencyStore(redis, `test:${randomUUID()}:idempotency:`),
              ttlSeconds: 3600,
            },
          },
        },
      },
    );
    await app.start();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await bus?.shutdown();
    await sandbox?.stop();
    redis.disconnect();
  });

  const ourTasks = async (): Promise<AiTask[]> =>
    (await Promise.all(tasks.map((r) => serde.decode(aiTaskTopic, r.value!)))).filter(
      (t) => t.tenantId === tenant,
    );
  const ourAudits = async (): Promise<AuditEvent[]> =>
    (await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
      (a) => a.tenantId === tenant,
    );

  async function webhook(vendorEventId: string, encounterId: string): Promise<number> {
    const body = Buffer.from(
      JSON.stringify({
        eventId: vendorEventId,
        type: 'session.ended',
        clientId: avery.patientId,
        resourceType: 'Encounter',
        resourceId: encounterId,
        encounterId,
        occurredAt: new Date().toISOString(),
        actorUserId: therapist,
      }),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${app.ingressUrl()!}/v1/webhooks/ehr`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-carerelay-tenant': tenant,
        'x-carerelay-timestamp': timestamp,
        'x-carerelay-signature': webhookSignatureHeader([SECRET], timestamp, body),
      },
      body,
    });
    return res.status;
  }

  async function editEncounter(encounterId: string, end: string): Promise<void> {
    const encounter = await fhir.read('Encounter', encounterId);
    const period = (encounter as { period?: { start?: string } }).period;
    await fhir.update({ ...encounter, status: 'finished', period: { ...period, end } } as typeof encounter);
    await new Promise((r) => setTimeout(r, 5)); // distinct _lastUpdated instants
  }

  const open = avery.encounterIds.open;
  const session53 = avery.encounterIds.session53;
  const expectedOpen = expectedTaskId([tenant, avery.patientId, `Encounter/${open}`, 'soap_note']);

  it('webhook + poll of a finished Encounter, then two edits: exactly one ai.task', async () => {
    await editEncounter(open, new Date().toISOString()); // the session ends in the EHR
    expect(await webhook('vendor-evt-1', open)).toBe(202);
    expect(await poller.pollOnce()).toBe(1);
    await editEncounter(open, new Date(Date.now() + 60_000).toISOString()); // the clinician fixes the end time
    expect(await poller.pollOnce()).toBe(1);
    await editEncounter(open, new Date(Date.now() + 120_000).toISOString());
    expect(await poller.pollOnce()).toBe(1);
    // Sentinel: another session of the same client (same partition, published after).
    expect(await webhook('vendor-evt-sentinel', session53)).toBe(202);
    await eventually(
      async () => (await ourTasks()).some((t) => t.encounterId === session53),
      'the sentinel task',
      30_000,
    );
    const forOpen = (await ourTasks()).filter((t) => t.encounterId === open);
    expect(forOpen.map((t) => t.taskId)).toEqual([expectedOpen]);
    const ignored = (await ourAudits()).filter((a) => a.reasonCode === 'DUPLICATE_CHANGE_IGNORED');
    expect(ignored.map((a) => a.taskId)).toEqual([expectedOpen, expectedOpen, expectedOpen]);
  }, 90_000);

  const token = (): Promise<string> =>
    new SignJWT({ tenant_id: tenant, roles: ['clinician'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience('carerelay')
      .setSubject(therapist)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  async function requestTask(body: Record<string, unknown>): Promise<{ status: number; taskId: unknown }> {
    const res = await fetch(`${app.ingressUrl()!}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, taskId: json['taskId'] };
  }

  it('"draft with AI" on a drafted session answers the existing task; an explicit redraft is a new, audited task', async () => {
    const body = { clientId: avery.patientId, useCase: 'soap_note', encounterId: open };
    const plain = await requestTask(body);
    expect(plain).toEqual({ status: 202, taskId: expectedOpen });
    const redraft = await requestTask({ ...body, redraft: true });
    expect(redraft.status).toBe(202);
    expect(redraft.taskId).not.toBe(expectedOpen);
    // The redraft's task is the sentinel for the plain request (same client, published after it).
    await eventually(
      async () => (await ourTasks()).some((t) => t.taskId === redraft.taskId),
      'the redraft task',
      30_000,
    );
    const forOpen = (await ourTasks()).filter((t) => t.encounterId === open);
    expect(forOpen.map((t) => t.taskId)).toEqual([expectedOpen, redraft.taskId]);
    await eventually(
      async () => (await ourAudits()).some((a) => a.reasonCode === 'REDRAFT_REQUESTED'),
      'the redraft audit event',
    );
    const requested = (await ourAudits()).filter((a) => a.reasonCode === 'REDRAFT_REQUESTED');
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({
      taskId: redraft.taskId,
      clientId: avery.patientId,
      actor: { userId: therapist, role: 'clinician' },
      useCase: 'soap_note',
      description: `redraft of task ${expectedOpen}`,
    });
  }, 90_000);
});
