import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DLQ_HEADERS, EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider, sealEnvelope, type KeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  InMemorySchemaStore,
  PayloadCodec,
  aiRequestTopic,
  aiTaskTopic,
  auditEventTopic,
  dlqTopicName,
  taskContextPayload,
  type AiTask,
  type AuditEvent,
  type TaskContext,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { InMemoryTokenVault } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { createDeidentifierApp } from './app.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });

async function task(
  keys: KeyProvider,
  context: TaskContext = fixtureTaskContext(),
  tenantId = 't1',
  part2: Pick<AiTask, 'securityLabels' | 'consentRef'> = { securityLabels: [], consentRef: null },
): Promise<AiTask> {
  const taskId = randomUUID();
  return {
    taskId,
    tenantId,
    clientId: context.client.id,
    useCase: 'soap_note',
    requestedBy: { userId: 'u1', role: 'clinician' },
    purposeOfUse: 'TREATMENT',
    changeEventId: null,
    encounterId: null,
    ...part2,
    sourceRefs: [],
    context: await sealEnvelope(new PayloadCodec(taskContextPayload).encode(context), {
      tenantId,
      aad: `${tenantId}:${taskId}`,
      keys,
    }),
    createdAt: Date.now(),
  };
}

describe('deidentifier: fail closed', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup(keys: KeyProvider) {
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const requests = await collectRaw(bus, aiRequestTopic.name);
    const audits = await collectRaw(bus, auditEventTopic.name);
    const dlq = await collectRaw(bus, dlqTopicName(aiTaskTopic.name));
    const vault = new InMemoryTokenVault(LocalKeyProvider.ephemeral());
    const app = createDeidentifierApp(
      { bus, logger, concurrency: 1 },
      {
        keys,
        vault,
        vaultTtlSeconds: 60,
        dateShift: false,
        maxAttempts: 3,
        retryInitialMs: 5,
      },
    );
    await app.start();
    const auditEvents = async (): Promise<AuditEvent[]> =>
      Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)));
    return { app, vault, requests: requests.records, dlq: dlq.records, audits: audits.records, auditEvents };
  }

  it('a key provider failure publishes nothing, is retried, dead-lettered and audited', async () => {
    const real = LocalKeyProvider.ephemeral();
    const t = await task(real);
    const failing: KeyProvider = {
      wrapKey: (...a) => real.wrapKey(...a),
      unwrapKey: () => Promise.reject(new Error('KMS timeout')),
      deriveKey: (...a) => real.deriveKey(...a),
    };
    const env = await setup(failing);
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: t });
    await eventually(() => env.dlq.length === 1, 'the task in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('DEID_KEY_UNAVAILABLE');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(env.requests).toEqual([]);
    await eventually(() => env.audits.length >= 4, 'audit events');
    const actions = (await env.auditEvents()).map((a) => `${a.action}:${a.reasonCode}`);
    expect(actions).toEqual([
      'DEPENDENCY_UNAVAILABLE:DEID_KEY_UNAVAILABLE',
      'DEPENDENCY_UNAVAILABLE:DEID_KEY_UNAVAILABLE',
      'DEPENDENCY_UNAVAILABLE:DEID_KEY_UNAVAILABLE',
      'TASK_DEAD_LETTERED:DEID_KEY_UNAVAILABLE',
    ]);
  });

  it('an envelope sealed for another task is dead-lettered at once, not retried', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    const a = await task(keys);
    const b = await task(keys);
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: { ...a, context: b.context } });
    await eventually(() => env.dlq.length === 1, 'the task in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('CRYPTO_DECRYPT_FAILED');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(env.requests).toEqual([]);
  });

  it('an identifier left in a field the de-identifier does not rewrite is caught by the leak guard', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    const ctx = fixtureTaskContext();
    const leaky: TaskContext = {
      ...ctx,
      diagnoses: [{ code: 'F41.1', display: 'GAD, per Dr. Okonkwo-Stone' }],
    };
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: await task(keys, leaky) });
    await eventually(() => env.dlq.length === 1, 'the task in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('DEID_LEAK_BLOCKED');
    expect(env.requests).toEqual([]);
    await eventually(() => env.audits.length >= 2, 'audit events');
    expect((await env.auditEvents()).map((e) => e.action)).toEqual(['LEAK_BLOCKED', 'TASK_DEAD_LETTERED']);
  });

  it('publishes a request keyed by tenant and pseudonym, never by the EHR client id', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: await task(keys) });
    await eventually(() => env.requests.length === 1, 'the request');
    const request = await serde.decode(aiRequestTopic, env.requests[0]!.value!);
    expect(env.requests[0]!.key).toBe(`t1:${request.subjectRef}`);
    expect(env.requests[0]!.key).not.toContain('4471');
  });

  it('a Part 2 task hands its labels and the consent it rests on to the request', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    const part2 = { securityLabels: ['42CFRPart2', 'ETH'], consentRef: 'Consent/c-77/_history/2' };
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: await task(keys, undefined, 't1', part2) });
    await eventually(() => env.requests.length === 1, 'the request');
    const request = await serde.decode(aiRequestTopic, env.requests[0]!.value!);
    expect(request.securityLabels).toEqual(['42CFRPart2', 'ETH']);
    expect(request.consentRef).toBe('Consent/c-77/_history/2');
    await eventually(() => env.audits.length >= 1, 'the audit event');
    expect((await env.auditEvents())[0]).toMatchObject({ action: 'DEID', part2: true });
  });

  it("the vault entry keeps the task's source refs for writeback; the request names none of them", async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    const t = {
      ...(await task(keys)),
      sourceRefs: ['Patient/pt-4471/_history/3', 'QuestionnaireResponse/qr-88/_history/1'],
    };
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: t });
    await eventually(() => env.requests.length === 1, 'the request');
    const request = await serde.decode(aiRequestTopic, env.requests[0]!.value!);
    expect((await env.vault.get('t1', request.vaultKey))?.sourceRefs).toEqual(t.sourceRefs);
    expect(env.requests[0]!.value!.toString('latin1')).not.toMatch(/qr-88|pt-4471/);
  });

  it('an ordinary task carries no consent reference', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await setup(keys);
    await bus.publish(aiTaskTopic, { key: 't1:pt-4471', value: await task(keys) });
    await eventually(() => env.requests.length === 1, 'the request');
    const request = await serde.decode(aiRequestTopic, env.requests[0]!.value!);
    expect(request.consentRef).toBeNull();
    expect(request.securityLabels).toEqual([]);
  });
});
