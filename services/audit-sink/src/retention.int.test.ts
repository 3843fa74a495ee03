import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GENESIS_HASH, chainHash } from '@carerelay/audit';
import type { AuditEvent } from '@carerelay/events';
import { AuditStore } from './store/audit-store.js';
import { migrateAuditStore } from './store/migrate.js';
import { dropExpiredPartitions } from './store/retention.js';
import { EVENT_COLUMNS, eventFromRow, type AuditEventRow } from './store/rows.js';
import {
  createScratchDatabase,
  tamperAsSuperuser,
  syntheticAuditEvent,
  type ScratchDatabase,
} from './store/testing.js';
import { verifyChain } from './store/verify.js';

const WRITER = 'carerelay_audit_writer';
const READER = 'carerelay_audit_reader';
const DAY = 86_400_000;

// Ages in months before the current one. With 72 months of retention, every month of age 73
// or more has ended before now() - 72 months, and the month of age 72 has not.
const now = new Date();
const monthStart = (age: number): number => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - age, 1);
const partition = (age: number): string => {
  const d = new Date(monthStart(age));
  return `events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** A tenant's events in ingest (chain) order, each in the month of its age, with their chain hashes. */
function seeded(tenant: string, ages: readonly number[]): { events: AuditEvent[]; hashes: string[] } {
  const events = ages.map((age, n) => syntheticAuditEvent(tenant, n, monthStart(age) + (n % 20) * DAY));
  const hashes: string[] = [];
  events.forEach((e, i) => hashes.push(chainHash(i === 0 ? GENESIS_HASH : hashes[i - 1]!, e)));
  return { events, hashes };
}

// a: two events a month for 80 months. b: six months around the retention edge. c: seq 4
// (month 73) is ingested after seq 3 (month 72), as a late event across a month boundary is.
// d: recent months only.
const A = seeded(
  'tenant-a',
  Array.from({ length: 80 }, (_, i) => 79 - i).flatMap((age) => [age, age]),
);
const B = seeded('tenant-b', [75, 74, 73, 72, 71, 70]);
const C = seeded('tenant-c', [74, 73, 72, 73, 72, 0]);
const D = seeded('tenant-d', [5, 4, 3, 2, 1, 0]);

interface CheckpointRow {
  tenant_id: string;
  dropped_partition: string;
  first_seq: string;
  seq: string;
  hash: string;
}

describe('retention checkpoints (real Postgres)', () => {
  let db: ScratchDatabase;
  let store: AuditStore;
  let admin: pg.Pool;
  let reader: pg.Pool;
  let dropped: string[];

  beforeAll(async () => {
    db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_audit_retention');
    await migrateAuditStore(db.adminUrl);
    store = AuditStore.fromConfig({ url: db.urlAs(WRITER) });
    admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
    reader = new pg.Pool({ connectionString: db.urlAs(READER), max: 2 });
    for (const tenant of [A, B, C, D]) await store.appendEvents(tenant.events);
    // An expired month that holds no row at all.
    const empty = new Date(monthStart(85)).toISOString().slice(0, 10);
    await store.pool.query('SELECT audit.ensure_month_partitions($1::date, $1::date)', [empty]);
    dropped = await dropExpiredPartitions(db.adminUrl, 72);
  });
  afterAll(async () => {
    await Promise.all([store.close(), admin.end(), reader.end()]);
    await db.drop();
  });

  async function checkpoints(): Promise<CheckpointRow[]> {
    return (
      await admin.query<CheckpointRow>(
        `SELECT tenant_id, dropped_partition, first_seq, seq, hash
           FROM audit.chain_checkpoints ORDER BY tenant_id, seq`,
      )
    ).rows;
  }

  const tamper = (sql: string, params: unknown[] = []): Promise<void> =>
    tamperAsSuperuser(admin, sql, params);

  const checkpoint = (tenant: string, age: number, firstSeq: number, seq: number, hash: string) => ({
    tenant_id: tenant,
    dropped_partition: partition(age),
    first_seq: String(firstSeq),
    seq: String(seq),
    hash,
  });

  it('drops exactly the months that ended more than 72 months ago', async () => {
    expect(dropped).toEqual([85, 79, 78, 77, 76, 75, 74, 73].map(partition));
    const left = await admin.query<{ part: string | null }>('SELECT to_regclass($1)::text AS part', [
      `audit.${partition(72)}`,
    ]);
    expect(left.rows[0]!.part).toBe(`audit.${partition(72)}`);
  });

  it('records, for each tenant with rows in a dropped month, the last link it held there', async () => {
    expect(await checkpoints()).toEqual([
      // Month 79 holds a's links 1-2, month 78 links 3-4, … month 73 links 13-14.
      ...[79, 78, 77, 76, 75, 74, 73].map((age, k) =>
        checkpoint('tenant-a', age, 2 * k + 1, 2 * k + 2, A.hashes[2 * k + 1]!),
      ),
      checkpoint('tenant-b', 75, 1, 1, B.hashes[0]!),
      checkpoint('tenant-b', 74, 2, 2, B.hashes[1]!),
      checkpoint('tenant-b', 73, 3, 3, B.hashes[2]!),
      checkpoint('tenant-c', 74, 1, 1, C.hashes[0]!),
      // Month 73 held c's links 2 and 4, not 3: two runs.
      checkpoint('tenant-c', 73, 2, 2, C.hashes[1]!),
      checkpoint('tenant-c', 73, 4, 4, C.hashes[3]!),
    ]);
  });

  it("verifies each tenant's whole retained chain, from its retention checkpoint", async () => {
    const anchor = (seq: number, hash: string) => ({
      reason: 'RETENTION_CHECKPOINT',
      seq,
      hash,
      droppedUntil: new Date(monthStart(72)).toISOString(),
      recordedAt: expect.any(String) as unknown,
    });
    expect(await verifyChain(reader, 'tenant-a', { pageSize: 50 })).toEqual({
      ok: true,
      checked: 160 - 14,
      anchoredAt: anchor(14, A.hashes[13]!),
    });
    expect(await verifyChain(reader, 'tenant-b')).toEqual({
      ok: true,
      checked: 3,
      anchoredAt: anchor(3, B.hashes[2]!),
    });
    // Never touched by retention: from genesis, as before.
    expect(await verifyChain(reader, 'tenant-d')).toEqual({ ok: true, checked: 6 });
    // A range reaching back past retention starts from the checkpoint too (months 72 to 61).
    expect(await verifyChain(reader, 'tenant-a', { from: monthStart(100), to: monthStart(60) })).toEqual({
      ok: true,
      checked: 24,
      anchoredAt: anchor(14, A.hashes[13]!),
    });
  });

  it('still checks a retained link that comes before a later dropped one (late event across months)', async () => {
    // c keeps links 3, 5 and 6: 3 is linked to checkpoint 2, 5 to checkpoint 4.
    expect(await verifyChain(reader, 'tenant-c')).toMatchObject({
      ok: true,
      checked: 3,
      anchoredAt: { seq: 2, hash: C.hashes[1] },
    });
  });

  it('a second run drops nothing and records nothing', async () => {
    const before = await checkpoints();
    expect(await dropExpiredPartitions(db.adminUrl, 72)).toEqual([]);
    expect(await checkpoints()).toEqual(before);
  });

  describe('checkpoints are append-only', () => {
    async function asRole(role: string, sql: string): Promise<unknown> {
      const client = new pg.Client({ connectionString: db.urlAs(role) });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    }

    const changes: [string, string][] = [
      ['UPDATE', "UPDATE audit.chain_checkpoints SET seq = seq + 100 WHERE tenant_id = 'tenant-a'"],
      ['DELETE', "DELETE FROM audit.chain_checkpoints WHERE tenant_id = 'tenant-a'"],
      ['TRUNCATE', 'TRUNCATE audit.chain_checkpoints'],
    ];

    it.each([
      ...changes,
      [
        'INSERT (forge)',
        "INSERT INTO audit.chain_checkpoints (tenant_id, first_seq, seq, hash, dropped_partition, dropped_until, cutoff) VALUES ('tenant-a', 15, 20, repeat('0', 64), 'x', now(), now())",
      ],
    ])('neither the writer nor the reader role can %s them', async (_what, sql) => {
      await expect(asRole(WRITER, sql)).rejects.toMatchObject({ code: '42501' });
      await expect(asRole(READER, sql)).rejects.toMatchObject({ code: '42501' });
    });

    it.each(changes)('the trigger refuses %s even to the owner', async (_what, sql) => {
      await expect(admin.query(sql)).rejects.toThrow(/audit\.chain_checkpoints is append-only/);
      expect(await checkpoints()).toHaveLength(13);
    });
  });

  it('a verification started while retention is dropping sees the drop and its checkpoints together', async () => {
    // An event can still arrive for an expired month (81): the writer creates its partition.
    const E = seeded('tenant-e', [81, 81, 1, 1]);
    await store.appendEvents(E.events);
    const retention = await admin.connect();
    try {
      await retention.query('BEGIN');
      await retention.query("SELECT audit.drop_expired_partitions(interval '72 months')");
      const verification = verifyChain(reader, 'tenant-e');
      await waitForLockWait(admin, READER);
      await retention.query('COMMIT');
      expect(await verification).toMatchObject({ ok: true, checked: 2, anchoredAt: { seq: 2 } });
    } finally {
      retention.release();
    }
  });

  describe('tampering with the retained chain behind the triggers is still reported', () => {
    it('the first retained link (SEQ_GAP at the next, expecting the one after the checkpoint)', async () => {
      await tamper("DELETE FROM audit.events WHERE tenant_id = 'tenant-a' AND seq = 15");
      expect(await verifyChain(reader, 'tenant-a')).toMatchObject({
        ok: false,
        checked: 0,
        firstBroken: { seq: 16, eventId: A.events[15]!.eventId, reason: 'SEQ_GAP', expectedSeq: 15 },
        anchoredAt: { seq: 14 },
      });
    });

    it('a link in the middle of the retained chain', async () => {
      await tamper("DELETE FROM audit.events WHERE tenant_id = 'tenant-b' AND seq = 5");
      expect(await verifyChain(reader, 'tenant-b')).toMatchObject({
        ok: false,
        checked: 1,
        firstBroken: { seq: 6, eventId: B.events[5]!.eventId, reason: 'SEQ_GAP', expectedSeq: 5 },
      });
    });

    it('a retained link older than a later dropped one', async () => {
      await tamper("DELETE FROM audit.events WHERE tenant_id = 'tenant-c' AND seq = 3");
      expect(await verifyChain(reader, 'tenant-c')).toMatchObject({
        ok: false,
        checked: 0,
        firstBroken: { seq: 5, eventId: C.events[4]!.eventId, reason: 'SEQ_GAP', expectedSeq: 3 },
      });
    });

    it('a first retained link re-rooted at genesis (LINK_MISMATCH: it must carry the checkpoint hash)', async () => {
      // tenant-e (seeded by the test above) keeps links 3 and 4 after checkpoint 2.
      const e3 = (
        await admin.query<AuditEventRow>(
          `SELECT ${EVENT_COLUMNS} FROM audit.events WHERE tenant_id = 'tenant-e' AND seq = 3`,
        )
      ).rows[0]!;
      await tamper(
        "UPDATE audit.events SET prev_hash = $1, hash = $2 WHERE tenant_id = 'tenant-e' AND seq = 3",
        [GENESIS_HASH, chainHash(GENESIS_HASH, eventFromRow(e3))],
      );
      expect(await verifyChain(reader, 'tenant-e')).toMatchObject({
        ok: false,
        checked: 0,
        firstBroken: { seq: 3, eventId: e3.event_id, reason: 'LINK_MISMATCH' },
        anchoredAt: { seq: 2 },
      });
    });
  });
});

/** Waits until a backend of `role` waits on a lock (verification queued behind retention). */
async function waitForLockWait(admin: pg.Pool, role: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND usename = $1 AND wait_event_type = 'Lock'`,
      [role],
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${role} backend waited on a lock`);
}
