import { GENESIS_HASH, auditEvent, chainHash } from '@carerelay/audit';
import type { AuditEvent } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditStore } from '../store/audit-store.js';
import { migrateAuditStore } from '../store/migrate.js';
import { dropExpiredPartitions } from '../store/retention.js';
import { createScratchDatabase, tamperAsSuperuser, type ScratchDatabase } from '../store/testing.js';
import { verifyChain } from '../store/verify.js';
import { createComplianceApi, type ComplianceApi } from './server.js';
import { createTokenIssuer, TEST_AUDIENCE, TEST_ISSUER } from './testing.js';

const DAY = 86_400_000;
const DAY_1 = Date.UTC(2026, 2, 1);

/** `n` events per day over three days, in ingest (chain) order. */
function events(tenantId: string, perDay: number): AuditEvent[] {
  return Array.from({ length: perDay * 3 }, (_, i) =>
    auditEvent(
      {
        tenantId,
        service: 'ehr-connector',
        action: 'PHI_ACCESS',
        outcome: 'SUCCESS',
        clientId: `c-${i % 4}`,
        purposeOfUse: 'TREATMENT',
        counts: { resources: i },
      },
      () => DAY_1 + Math.floor(i / perDay) * DAY + (i % perDay) * 60_000,
    ),
  );
}

const A = events('tenant-a', 20);
const B = events('tenant-b', 5);

let db: ScratchDatabase;
let store: AuditStore;
let reader: pg.Pool;
let admin: pg.Pool;
let api: ComplianceApi;
let baseUrl: string;
let tokens: Record<'a' | 'b' | 'c', string>;

beforeAll(async () => {
  db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_audit_verify');
  await migrateAuditStore(db.adminUrl);
  store = AuditStore.fromConfig({ url: db.urlAs('carerelay_audit_writer') });
  await store.appendEvents(A.slice(0, 30));
  await store.appendEvents([...B, ...A.slice(30)]);
  reader = new pg.Pool({ connectionString: db.urlAs('carerelay_audit_reader'), max: 2 });
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
  const issuer = await createTokenIssuer('RS256');
  tokens = {
    a: await issuer.sign('tenant-a'),
    b: await issuer.sign('tenant-b'),
    c: await issuer.sign('tenant-c'),
  };
  api = createComplianceApi({
    pool: reader,
    verifier: (tenantId, range) => verifyChain(reader, tenantId, range),
    audit: { record: () => Promise.resolve() },
    auth: { publicKeyPem: issuer.publicKeyPem, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  baseUrl = await api.listen(0);
});

afterAll(async () => {
  await api?.close();
  await reader?.end();
  await admin?.end();
  await store?.close();
  await db?.drop();
});

async function verify(token: string, query = ''): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/v1/audit/verify${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** A superuser edits a row behind the append-only trigger's back. */
const tamper = (sql: string, params: unknown[]): Promise<void> => tamperAsSuperuser(admin, sql, params);

describe('GET /v1/audit/verify', () => {
  it("reports an intact chain with every event of the officer's tenant checked", async () => {
    expect(await verify(tokens.a)).toMatchObject({
      ok: true,
      checked: A.length,
      firstBroken: null,
      anchoredAt: null,
    });
    expect(await verify(tokens.b)).toMatchObject({ ok: true, checked: B.length, firstBroken: null });
  });

  it('names the row a superuser altered, and only in the tenant and range that hold it', async () => {
    const victim = A[47]!; // day 3, seq 48 (A is chained in array order)
    await tamper(
      "UPDATE audit.events SET recipient = 'someone-else' WHERE tenant_id = $1 AND event_id = $2",
      ['tenant-a', victim.eventId],
    );
    expect(await verify(tokens.a)).toMatchObject({
      ok: false,
      firstBroken: {
        seq: 48,
        eventId: victim.eventId,
        occurredAt: new Date(victim.occurredAt).toISOString(),
        reason: 'HASH_MISMATCH',
      },
    });
    const day3 = `?from=${new Date(DAY_1 + 2 * DAY).toISOString()}&to=${new Date(DAY_1 + 3 * DAY).toISOString()}`;
    expect(await verify(tokens.a, day3)).toMatchObject({ ok: false, firstBroken: { seq: 48 } });
    const days12 = `?from=${new Date(DAY_1).toISOString()}&to=${new Date(DAY_1 + 2 * DAY).toISOString()}`;
    expect(await verify(tokens.a, days12)).toMatchObject({ ok: true, checked: 40 });
    expect(await verify(tokens.b)).toMatchObject({ ok: true, checked: B.length });
  });

  it('after retention, names the checkpoint the chain was checked from', async () => {
    const now = new Date();
    const monthsAgo = (m: number): number => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m, 10);
    const old = auditEvent(
      { tenantId: 'tenant-c', service: 'ehr-connector', action: 'PHI_ACCESS', outcome: 'SUCCESS' },
      () => monthsAgo(80),
    );
    const recent = auditEvent(
      { tenantId: 'tenant-c', service: 'ehr-connector', action: 'PHI_ACCESS', outcome: 'SUCCESS' },
      () => monthsAgo(0),
    );
    await store.appendEvents([old, recent]);
    await dropExpiredPartitions(db.adminUrl, 72);

    const body = await verify(tokens.c);
    expect(body).toMatchObject({
      ok: true,
      checked: 1,
      firstBroken: null,
      anchoredAt: {
        reason: 'RETENTION_CHECKPOINT',
        seq: 1,
        hash: chainHash(GENESIS_HASH, old),
        droppedUntil: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 79, 1)).toISOString(),
      },
    });
    expect(Date.parse((body.anchoredAt as { recordedAt: string }).recordedAt)).not.toBeNaN();
  });
});
