import { createHash } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '@carerelay/audit';
import { EmbeddedBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { AvroSerde, InMemorySchemaStore, ehrChangeTopic } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createBearerVerifier } from '@carerelay/runtime';
import { TASKS_PATH, startIngress, type RunningIngress } from './http-ingress.js';
import { InMemoryIdempotencyStore, requestFingerprint } from './idempotency-store.js';

const ISSUER = 'https://idp.practice.test';
const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });

/** POST /v1/tasks over real HTTP with the embedded default's in-memory idempotency store. */
describe('Idempotency-Key with the in-memory store (embedded default)', () => {
  let bus: EmbeddedBus;
  let ingress: RunningIngress;
  let changes: RawRecord[];
  let auth: string;

  beforeAll(async () => {
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    changes = (await collectRaw(bus, ehrChangeTopic.name)).records;
    const pair = await generateKeyPair('ES256', { extractable: true });
    ingress = await startIngress({
      host: '127.0.0.1',
      port: 0,
      tenantId: 't1',
      logger,
      audit: new AuditTrail(bus, 'ehr-connector'),
      publishChange: (change) =>
        bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change }),
      tasks: {
        verify: createBearerVerifier({
          publicKeyPem: await exportSPKI(pair.publicKey),
          issuer: ISSUER,
          audience: 'carerelay',
        }),
        idempotency: { store: new InMemoryIdempotencyStore(), ttlSeconds: 3600 },
      },
    });
    auth = `Bearer ${await new SignJWT({ tenant_id: 't1', roles: ['clinician'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience('carerelay')
      .setSubject('clin-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(pair.privateKey)}`;
  });
  afterAll(async () => {
    await ingress.close();
    await bus.shutdown();
  });

  const post = async (
    body: object,
    key: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${ingress.url}${TASKS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('the key is bound to client, encounter, use case and role: any other body is a 422', async () => {
    const body = { clientId: 'client-a', useCase: 'soap_note', encounterId: 'enc-a' };
    const first = await post(body, 'k1');
    expect(first.status).toBe(202);
    for (const other of [
      { ...body, clientId: 'client-b' },
      { ...body, encounterId: 'enc-b' },
      { ...body, useCase: 'dap_note' },
      { ...body, role: 'clinician' },
      { clientId: 'client-a', useCase: 'soap_note' },
    ]) {
      const res = await post(other, 'k1');
      expect({ other, status: res.status, code: res.json['code'] }).toEqual({
        other,
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    // The same body with its fields in another order is the same request.
    const again = await post({ encounterId: 'enc-a', useCase: 'soap_note', clientId: 'client-a' }, 'k1');
    expect(again).toEqual(first);
    const sentinel = await post({ ...body, encounterId: 'enc-sentinel' }, 'k-sentinel');
    await eventually(() => changes.length === 2, 'the change and the sentinel');
    const published = await Promise.all(changes.map((r) => serde.decode(ehrChangeTopic, r.value!)));
    expect(published.map((c) => c.eventId)).toEqual([
      first.json['changeEventId'],
      sentinel.json['changeEventId'],
    ]);
  });

  it('the fingerprint is SHA-256 over the canonical request', () => {
    const parts = {
      tenantId: 't1',
      userId: 'u',
      clientId: 'c',
      useCase: 'soap_note',
      encounterId: null,
      role: null,
    };
    const canonical = JSON.stringify([
      ['clientId', 'c'],
      ['encounterId', null],
      ['role', null],
      ['tenantId', 't1'],
      ['useCase', 'soap_note'],
      ['userId', 'u'],
    ]);
    expect(requestFingerprint(parts)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });
});
