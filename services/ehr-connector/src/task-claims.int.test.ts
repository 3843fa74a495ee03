import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
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
  ehrChangeTopic,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createEhrConnectorApp } from './app.js';
import { RedisTaskClaims } from './task-claims.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('task claims in Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `test:${randomUUID()}:`;
  afterAll(() => redis.disconnect());

  it('once per task: a second change is a duplicate, the same change resumes, a release frees it', async () => {
    const claims = new RedisTaskClaims(redis, { prefix, ttlSeconds: 30 * 24 * 3600 });
    expect(await claims.claim('t1', 'task-1', 'evt-a')).toBe('claimed');
    expect(await claims.claim('t1', 'task-1', 'evt-b')).toBe('duplicate');
    expect(await claims.claim('t1', 'task-1', 'evt-a')).toBe('claimed'); // a retry of the same change
    expect(await claims.claim('t2', 'task-1', 'evt-b')).toBe('claimed'); // another tenant
    const ttl = await redis.ttl(`${prefix}task-claim:t1:task-1`);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);

    await claims.release('t1', 'task-1', 'evt-b'); // not the holder: nothing happens
    expect(await claims.claim('t1', 'task-1', 'evt-b')).toBe('duplicate');
    await claims.release('t1', 'task-1', 'evt-a'); // denied or failed: free again
    expect(await claims.claim('t1', 'task-1', 'evt-b')).toBe('claimed');

    await claims.planned('t1', 'task-1', 'evt-b');
    expect(await claims.claim('t1', 'task-1', 'evt-b')).toBe('duplicate'); // even its own redelivery
    await claims.release('t1', 'task-1', 'evt-b');
    expect(await claims.claim('t1', 'task-1', 'evt-c')).toBe('duplicate'); // a planned task stays claimed
  });

  it('claim store down: the change is retried and dead-lettered, never planned, nothing read from the EHR', async () => {
    const sandbox = await startSandboxEhr();
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const down = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const real = new FhirAdapter(sandboxFhirClient(sandbox, { scope: 'system/*.read' }));
    let ehrReads = 0;
    const adapter = Object.create(real) as FhirAdapter;
    adapter.readTaskContext = (request) => {
      ehrReads += 1;
      return real.readTaskContext(request);
    };
    adapter.relationshipsOf = (clientId, practitionerId, encounterId) => {
      ehrReads += 1;
      return real.relationshipsOf(clientId, practitionerId, encounterId);
    };
    adapter.readConsents = (clientId) => {
      ehrReads += 1;
      return real.readConsents(clientId);
    };
    const tasks = await collectRaw(bus, aiTaskTopic.name);
    const audit = await collectRaw(bus, auditEventTopic.name);
    const app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter,
        keys: LocalKeyProvider.ephemeral(),
        claims: new RedisTaskClaims(down, { prefix }),
        noteFormat: 'soap_note',
        maxAttempts: 3,
        retryInitialMs: 10,
      },
    );
    await app.start();
    try {
      const { avery } = SANDBOX_CLIENTS;
      const change: EhrChange = {
        eventId: randomUUID(),
        tenantId: 't1',
        clientId: avery.patientId,
        changeType: 'SESSION_ENDED',
        source: 'POLL',
        vendor: 'fhir-r4',
        resourceType: 'Encounter',
        resourceId: avery.encounterIds.session53,
        resourceVersion: '1',
        encounterId: avery.encounterIds.session53,
        actorUserId: SANDBOX_PRACTITIONERS.therapist.id,
        occurredAt: Date.now(),
        receivedAt: Date.now(),
        requestedUseCase: null,
        actorRole: null,
        redraft: false,
      };
      await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: change });
      // The dead-letter audit is the last thing the change causes.
      await eventually(() => audit.records.length >= 1, 'the dead-letter audit', 10_000);
      const events: AuditEvent[] = await Promise.all(
        audit.records.map((r) => serde.decode(auditEventTopic, r.value!)),
      );
      expect(events.map((e) => `${e.action}:${e.reasonCode}:${e.counts['attempts']}`)).toEqual([
        'TASK_DEAD_LETTERED:TASK_CLAIM_UNAVAILABLE:3',
      ]);
      expect(tasks.records).toHaveLength(0);
      expect(ehrReads).toBe(0);
    } finally {
      await app.stop();
      await bus.shutdown();
      down.disconnect();
      await sandbox.stop();
    }
  });
});
