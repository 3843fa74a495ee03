import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DLQ_HEADERS, KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually, uniqueName } from '@carerelay/bus/testing';
import { LocalKeyProvider, sealEnvelope, type KeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  PayloadCodec,
  RegistrySchemaStore,
  aiRequestTopic,
  aiTaskTopic,
  auditEventTopic,
  dlqTopicName,
  taskContextPayload,
  type AiTask,
  type AuditEvent,
} from '@carerelay/events';
import { FIXTURE_IDENTIFIERS, FIXTURE_WORD_NAMES, fixtureTaskContext } from '@carerelay/phi/testing';
import { RedisTokenVault, reidentify } from '@carerelay/phi';
import type { ServiceApp } from '@carerelay/runtime';
import { createDeidentifierApp } from '@carerelay/service-deidentifier';
import { captureLogger } from './support/capture-logger.js';
import { startPrivateRedis } from './support/redis-server.js';

const serde = (): AvroSerde => new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));

/** Fixture identifiers found in `text`. Audit events may name the EHR client id (an id, not clinical text). */
function leaks(text: string, options: { clientIdAllowed?: boolean } = {}): string[] {
  const lower = text.toLowerCase();
  const ids = options.clientIdAllowed
    ? FIXTURE_IDENTIFIERS.filter((id) => id !== 'pt-4471')
    : FIXTURE_IDENTIFIERS;
  return [
    ...ids.filter((id) => lower.includes(id.toLowerCase())),
    ...FIXTURE_WORD_NAMES.filter((n) => new RegExp(`\\b${n}\\b`).test(text)),
  ];
}

async function sealedTask(keys: KeyProvider, tenantId: string): Promise<AiTask> {
  const taskId = randomUUID();
  const context = new PayloadCodec(taskContextPayload).encode(fixtureTaskContext());
  return {
    taskId,
    tenantId,
    clientId: 'pt-4471',
    useCase: 'soap_note',
    requestedBy: { userId: 'u-clin-1', role: 'clinician' },
    purposeOfUse: 'TREATMENT',
    changeEventId: null,
    encounterId: 'enc-9001',
    securityLabels: [],
    consentRef: null,
    sourceRefs: ['Encounter/enc-9001'],
    context: await sealEnvelope(context, { tenantId, aad: `${tenantId}:${taskId}`, keys }),
    createdAt: Date.now(),
  };
}

describe('deidentifier on real Kafka, registry and Redis', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(redisUrl: string, maxAttempts: number) {
    const log = captureLogger('deidentifier');
    const bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'deid-test',
      serde: serde(),
      logger: log.logger,
    });
    await bus.start();
    const keys = LocalKeyProvider.ephemeral();
    const redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 500,
    });
    redis.on('error', () => {});
    const vault = new RedisTokenVault(redis, keys, `test:${randomUUID()}:`);
    const app: ServiceApp = createDeidentifierApp(
      { bus, logger: log.logger, concurrency: 1 },
      {
        keys,
        vault,
        vaultTtlSeconds: 600,
        dateShift: false,
        maxAttempts,
        retryInitialMs: 100,
        groupId: uniqueName('deid'),
        fromBeginning: false,
      },
    );
    await app.start();
    // Collectors read from the end of the topics, and join before anything is published.
    const requests = await collectRaw(bus, aiRequestTopic.name, { fromBeginning: false });
    const audits = await collectRaw(bus, auditEventTopic.name, { fromBeginning: false });
    const dlq = await collectRaw(bus, dlqTopicName(aiTaskTopic.name), { fromBeginning: false });
    await eventually(() => bus.health().ready, 'deidentifier and collectors to join');
    cleanups.push(async () => {
      await Promise.all([requests, audits, dlq].map((c) => c.subscription.stop()));
      await app.stop();
      await bus.shutdown();
      redis.disconnect();
    });
    return { bus, keys, vault, log, requests: requests.records, audits: audits.records, dlq: dlq.records };
  }

  async function auditsOf(records: RawRecord[], taskId: string): Promise<AuditEvent[]> {
    const s = serde();
    const events = await Promise.all(records.map((r) => s.decode(auditEventTopic, r.value!)));
    return events.filter((e) => e.taskId === taskId);
  }

  it('ai.task.v1 in → ai.request.v1 out, with no fixture identifier in the topic bytes, the audit or the logs', async () => {
    const env = await start(inject('redisUrl'), 3);
    const tenantId = uniqueName('tenant');
    const task = await sealedTask(env.keys, tenantId);
    await env.bus.publish(aiTaskTopic, { key: `${tenantId}:${task.clientId}`, value: task });

    const s = serde();
    const mine = async (): Promise<RawRecord | undefined> => {
      for (const r of env.requests)
        if ((await s.decode(aiRequestTopic, r.value!)).taskId === task.taskId) return r;
      return undefined;
    };
    let record: RawRecord | undefined;
    for (const deadline = Date.now() + 30_000; !record && Date.now() < deadline;) {
      record = await mine();
      if (!record) await new Promise((r) => setTimeout(r, 100));
    }
    expect(record, "this task's ai.request.v1 record").toBeDefined();
    const bytes = Buffer.concat([Buffer.from(record!.key ?? ''), record!.value!]).toString('utf8');
    expect(leaks(bytes)).toEqual([]);

    const request = await s.decode(aiRequestTopic, record!.value!);
    expect(request.vaultKey).toBe(`vault:${tenantId}:${task.taskId}`);
    expect(request.subjectRef).not.toContain('4471');
    expect(request.knownFingerprints.length).toBeGreaterThan(10);
    expect(request.deidCounts.NAME).toBeGreaterThan(0);

    // The vault resolves the tokens back inside the trust boundary.
    const entry = await env.vault.get(tenantId, request.vaultKey);
    const back = reidentify(request.deidentifiedContext, entry!.tokens);
    expect(back.unresolved).toEqual([]);
    expect(back.text).toContain('Dana Marie Okonkwo reported she argued with Will Baker');

    await eventually(() => env.audits.length > 0, 'audit events');
    await new Promise((r) => setTimeout(r, 500));
    const audit = await auditsOf(env.audits, task.taskId);
    expect(audit.map((a) => a.action)).toContain('DEID');
    expect(
      leaks(env.audits.map((a) => a.value!.toString('utf8')).join(''), { clientIdAllowed: true }),
    ).toEqual([]);
    expect(leaks(env.log.text())).toEqual([]);
  });

  it('with Redis stopped, publishes nothing, retries, dead-letters the task and audits it', async () => {
    const redis = await startPrivateRedis();
    const env = await start(redis.url, 3);
    await redis.stop();
    const tenantId = uniqueName('tenant');
    const task = await sealedTask(env.keys, tenantId);
    await env.bus.publish(aiTaskTopic, { key: `${tenantId}:${task.clientId}`, value: task });

    await eventually(
      () => env.dlq.some((r) => r.key === `${tenantId}:${task.clientId}`),
      'the task in ai.task.v1.dlq',
      30_000,
    );
    const letter = env.dlq.find((r) => r.key === `${tenantId}:${task.clientId}`)!;
    expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('DEID_VAULT_UNAVAILABLE');
    expect(letter.headers[DLQ_HEADERS.attempts]).toBe('3');

    // Let the dead-letter audit and any stray request arrive before asserting on their absence.
    await new Promise((r) => setTimeout(r, 1_500));
    const s = serde();
    const requests = await Promise.all(env.requests.map((r) => s.decode(aiRequestTopic, r.value!)));
    expect(requests.filter((r) => r.taskId === task.taskId)).toEqual([]);
    const audit = await auditsOf(env.audits, task.taskId);
    expect(audit.filter((a) => a.action === 'DEPENDENCY_UNAVAILABLE').map((a) => a.reasonCode)).toEqual([
      'DEID_VAULT_UNAVAILABLE',
      'DEID_VAULT_UNAVAILABLE',
      'DEID_VAULT_UNAVAILABLE',
    ]);
    expect(audit.filter((a) => a.action === 'TASK_DEAD_LETTERED').map((a) => a.reasonCode)).toEqual([
      'DEID_VAULT_UNAVAILABLE',
    ]);
    expect(leaks(env.log.text())).toEqual([]);
  });
});
