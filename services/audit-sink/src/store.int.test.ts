import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chainHash } from '@carerelay/audit';
import type { AuditEvent, ReviewOutcome } from '@carerelay/events';
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

function review(tenantId: string, eventId: string): ReviewOutcome {
  return {
    eventId,
    taskId: `task-${eventId}`,
    tenantId,
    clientId: 'client-1',
    useCase: 'soap_note',
    documentRef: 'DocumentReference/1',
    reviewerUserId: 'user-1',
    draftSha256: 'a'.repeat(64),
    finalSha256: 'b'.repeat(64),
    normalizedEditDistance: 0.125,
    sectionsTotal: 4,
    sectionsChanged: ['plan', 'assessment'],
    templateId: 'soap_note',
    templateVersion: '3',
    draftCreatedAt: Date.UTC(2026, 0, 1),
    signedAt: Date.UTC(2026, 0, 2),
  };
}

describe('audit store (real Postgres)', () => {
  let db: ScratchDatabase;
  let store: AuditStore;
  let admin: pg.Pool;
  let reader: pg.Pool;

  beforeAll(async () => {
    db = await createScratchDatabase(inject('databaseUrl'));
    await migrateAuditStore(db.adminUrl);
    store = AuditStore.fromConfig({ url: db.urlAs(WRITER) });
    admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
    reader = new pg.Pool({ connectionString: db.urlAs(READER), max: 2 });
  });
  afterAll(async () => {
    await Promise.all([store.close(), admin.end(), reader.end()]);
    await db.drop();
  });

  const events = (tenant: string, from: number, count: number): AuditEvent[] =>
    Array.from({ length: count }, (_, i) => syntheticAuditEvent(tenant, from + i));

  async function rows(tenant: string): Promise<AuditEventRow[]> {
    return (
      await admin.query<AuditEventRow>(
        `SELECT ${EVENT_COLUMNS} FROM audit.events WHERE tenant_id = $1 ORDER BY seq`,
        [tenant],
      )
    ).rows;
  }

  const tamper = (sql: string, params: unknown[] = []): Promise<void> =>
    tamperAsSuperuser(admin, sql, params);

  describe('append', () => {
    it('chains events per tenant in batch order, skipping ones already stored or repeated in the batch', async () => {
      const first = [...events('t-dup', 0, 5), syntheticAuditEvent('t-dup', 2), ...events('t-other', 0, 3)];
      expect(await store.appendEvents(first)).toEqual({ inserted: 8, duplicates: 1 });
      // A redelivery of the whole batch plus two new events.
      const again = [...first, ...events('t-dup', 5, 2)];
      expect(await store.appendEvents(again)).toEqual({ inserted: 2, duplicates: 9 });

      const stored = await rows('t-dup');
      expect(stored.map((r) => [Number(r.seq), r.event_id])).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((n) => [n + 1, `t-dup-evt-${n}`]),
      );
      expect(stored[0]!.prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < stored.length; i++) expect(stored[i]!.prev_hash).toBe(stored[i - 1]!.hash);
      expect(await verifyChain(admin, 't-dup')).toEqual({ ok: true, checked: 7 });
      expect(await verifyChain(admin, 't-other')).toEqual({ ok: true, checked: 3 });
    });

    it('rebuilds from its columns exactly the event it received, nulls, maps and all', async () => {
      const sample = events('t-rows', 0, 30);
      await store.appendEvents(sample);
      expect((await rows('t-rows')).map(eventFromRow)).toEqual(sample);
    });

    it('keeps one gapless chain when two sinks append to the same tenant at once', async () => {
      const other = AuditStore.fromConfig({ url: db.urlAs(WRITER) });
      try {
        await Promise.all(
          Array.from({ length: 8 }, (_, b) =>
            (b % 2 ? other : store).appendEvents(events('t-race', b * 25, 25)),
          ),
        );
      } finally {
        await other.close();
      }
      expect(await verifyChain(admin, 't-race')).toEqual({ ok: true, checked: 200 });
    });

    it("rejects an event Postgres cannot store as the record's fault (not retryable), storing nothing of the batch", async () => {
      const poison = { ...syntheticAuditEvent('t-poison', 1), description: 'nul \u0000 byte' };
      await expect(store.appendEvents([syntheticAuditEvent('t-poison', 0), poison])).rejects.toMatchObject({
        code: 'AUDIT_RECORD_REJECTED',
        retryable: false,
      });
      expect(await rows('t-poison')).toEqual([]);
    });

    it('stores review outcomes once, however often they are delivered', async () => {
      const outcomes = [review('t-review', 'r-1'), review('t-review', 'r-2')];
      expect(await store.appendReviewOutcomes(outcomes)).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.appendReviewOutcomes([...outcomes, outcomes[0]!])).toEqual({
        inserted: 0,
        duplicates: 3,
      });
      const stored = await admin.query<{ sections_changed: string[]; signed_at: Date }>(
        "SELECT sections_changed, signed_at FROM audit.review_outcomes WHERE tenant_id = 't-review' ORDER BY event_id",
      );
      expect(stored.rows).toEqual([
        { sections_changed: ['plan', 'assessment'], signed_at: new Date(Date.UTC(2026, 0, 2)) },
        { sections_changed: ['plan', 'assessment'], signed_at: new Date(Date.UTC(2026, 0, 2)) },
      ]);
    });

    it('rejects, in Postgres, a second row with a (tenant, seq) already stored, even in another month and inserted directly', async () => {
      const writer = new pg.Client({ connectionString: db.urlAs(WRITER) });
      await writer.connect();
      try {
        await writer.query("SELECT audit.ensure_month_partitions('2026-01-01', '2026-03-01')");
        const insert = (eventId: string, occurredAt: string): Promise<unknown> =>
          writer.query(
            `INSERT INTO audit.events (tenant_id, seq, event_id, occurred_at, action, outcome, actor_service,
               part2, counts, hashes, prev_hash, hash)
             VALUES ('t-seq', 7, $1, $2, 'PHI_ACCESS', 'SUCCESS', 'intruder', false, '{}', '{}', $3, $4)`,
            [eventId, occurredAt, '0'.repeat(64), '1'.repeat(64)],
          );
        await insert('seq-a', '2026-01-10T00:00:00Z');
        // Same month, and another month (another partition): both must be refused.
        await expect(insert('seq-b', '2026-01-10T00:00:01Z')).rejects.toMatchObject({ code: '23505' });
        await expect(insert('seq-c', '2026-03-10T00:00:00Z')).rejects.toMatchObject({ code: '23505' });
      } finally {
        await writer.end();
      }
      const stored = await admin.query<{ event_id: string }>(
        "SELECT event_id FROM audit.events WHERE tenant_id = 't-seq' AND seq = 7",
      );
      expect(stored.rows.map((r) => r.event_id)).toEqual(['seq-a']);
    });

    it("partitions by the time CareRelay recorded the act, and keeps the EHR's claimed time as a field", async () => {
      const now = Date.now();
      const threeYearsAgo = Date.UTC(new Date(now).getUTCFullYear() - 3, 1, 3, 4, 5, 6, 789);
      const event = { ...syntheticAuditEvent('t-ehr-time', 0, now), ehrOccurredAt: threeYearsAgo };
      await store.appendEvents([event]);
      const here = new Date(now);
      const currentPartition = `audit.events_y${here.getUTCFullYear()}m${String(here.getUTCMonth() + 1).padStart(2, '0')}`;
      const stored = await admin.query<{ part: string; ehr: Date }>(
        "SELECT tableoid::regclass::text AS part, ehr_occurred_at AS ehr FROM audit.events WHERE tenant_id = 't-ehr-time'",
      );
      expect(stored.rows).toEqual([{ part: currentPartition, ehr: new Date(threeYearsAgo) }]);
      expect((await rows('t-ehr-time')).map(eventFromRow)).toEqual([event]);
      expect(await verifyChain(reader, 't-ehr-time')).toEqual({ ok: true, checked: 1 });
    });

    it('stores a redelivered event once even when its occurredAt differs (identity is tenant and eventId)', async () => {
      const first = syntheticAuditEvent('t-redeliver', 0, Date.UTC(2026, 0, 20));
      await store.appendEvents([first]);
      const again = { ...first, occurredAt: first.occurredAt + 60_000 };
      expect(await store.appendEvents([again])).toEqual({ inserted: 0, duplicates: 1 });
      expect(await rows('t-redeliver')).toHaveLength(1);
    });

    it('creates the monthly partition an old event needs on first use', async () => {
      await store.appendEvents([syntheticAuditEvent('t-old', 0, Date.UTC(2021, 4, 31, 23, 59, 59, 999))]);
      const part = await admin.query<{ part: string }>(
        "SELECT tableoid::regclass::text AS part FROM audit.events WHERE tenant_id = 't-old'",
      );
      expect(part.rows[0]!.part).toBe('audit.events_y2021m05');
    });
  });

  describe('verification', () => {
    const tenant = 't-verify';
    beforeAll(async () => {
      // Three days, 40 events a day.
      const day = 86_400_000;
      const start = Date.UTC(2026, 1, 1);
      await store.appendEvents(
        Array.from({ length: 120 }, (_, n) =>
          syntheticAuditEvent(tenant, n, start + Math.floor(n / 40) * day + n),
        ),
      );
    });

    it('as the reader role, in pages, over the whole chain', async () => {
      expect(await verifyChain(reader, tenant, { pageSize: 7 })).toEqual({ ok: true, checked: 120 });
    });

    it('over a time range checks only that range, linked to the row before it', async () => {
      const from = Date.UTC(2026, 1, 2);
      const to = Date.UTC(2026, 1, 3);
      expect(await verifyChain(reader, tenant, { from, to })).toEqual({ ok: true, checked: 40 });
    });

    it('names the row a superuser altered in SQL (HASH_MISMATCH), in the full chain and in a range holding it', async () => {
      const target = (await rows(tenant))[57]!;
      await tamper("UPDATE audit.events SET client_id = 'someone-else' WHERE tenant_id = $1 AND seq = $2", [
        tenant,
        target.seq,
      ]);
      const expected = {
        seq: 58,
        eventId: target.event_id,
        occurredAt: target.occurred_at.toISOString(),
        reason: 'HASH_MISMATCH',
      };
      expect(await verifyChain(reader, tenant, { pageSize: 10 })).toEqual({
        ok: false,
        checked: 57,
        firstBroken: expected,
      });
      expect(
        await verifyChain(reader, tenant, { from: Date.UTC(2026, 1, 2), to: Date.UTC(2026, 1, 3) }),
      ).toMatchObject({
        ok: false,
        firstBroken: expected,
      });
      // The day before it is still intact.
      expect(await verifyChain(reader, tenant, { to: Date.UTC(2026, 1, 2) })).toEqual({
        ok: true,
        checked: 40,
      });
    });

    it('names the row after an edited and re-hashed one, whose link no longer holds (LINK_MISMATCH)', async () => {
      const rehashed = 't-rehash';
      await store.appendEvents(events(rehashed, 0, 10));
      const target = (await rows(rehashed))[3]!;
      const edited = { ...eventFromRow(target), clientId: 'someone-else' };
      await tamper('UPDATE audit.events SET client_id = $3, hash = $4 WHERE tenant_id = $1 AND seq = $2', [
        rehashed,
        4,
        edited.clientId,
        chainHash(target.prev_hash, edited),
      ]);
      expect((await verifyChain(reader, rehashed)).firstBroken).toMatchObject({
        seq: 5,
        eventId: 't-rehash-evt-4',
        reason: 'LINK_MISMATCH',
      });
    });

    it('names the row after a deleted one (SEQ_GAP), and a deleted last row (HEAD_MISMATCH)', async () => {
      const gap = 't-gap';
      await store.appendEvents(events(gap, 0, 10));
      await tamper('DELETE FROM audit.events WHERE tenant_id = $1 AND seq = 5', [gap]);
      expect((await verifyChain(reader, gap)).firstBroken).toMatchObject({
        seq: 6,
        eventId: 't-gap-evt-5',
        reason: 'SEQ_GAP',
        expectedSeq: 5,
      });

      const tail = 't-tail';
      await store.appendEvents(events(tail, 0, 10));
      await tamper('DELETE FROM audit.events WHERE tenant_id = $1 AND seq = 10', [tail]);
      expect(await verifyChain(reader, tail)).toMatchObject({
        ok: false,
        checked: 9,
        firstBroken: { seq: 9, eventId: 't-tail-evt-8', reason: 'HEAD_MISMATCH' },
      });
    });

    it('reports an unknown tenant as an empty, intact chain', async () => {
      expect(await verifyChain(reader, 'no-such-tenant')).toEqual({ ok: true, checked: 0 });
    });
  });

  describe('append-only, enforced by the database', () => {
    async function asRole(role: string, sql: string): Promise<unknown> {
      const client = new pg.Client({ connectionString: db.urlAs(role) });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      await store.appendEvents(events('t-locked', 0, 3));
      await store.appendReviewOutcomes([review('t-locked', 'r-1')]);
    });

    it.each([
      ['UPDATE', "UPDATE audit.events SET outcome = 'SUCCESS' WHERE tenant_id = 't-locked'"],
      ['DELETE', "DELETE FROM audit.events WHERE tenant_id = 't-locked'"],
      ['TRUNCATE of the parent', 'TRUNCATE audit.events'],
      ['TRUNCATE of a partition', 'TRUNCATE audit.events_y2026m01'],
      ['UPDATE of a partition', "UPDATE audit.events_y2026m01 SET outcome = 'SUCCESS'"],
      ['UPDATE of review outcomes', "UPDATE audit.review_outcomes SET use_case = 'x'"],
      ['DELETE of a chain head', "DELETE FROM audit.chain_heads WHERE tenant_id = 't-locked'"],
      ['DDL', 'ALTER TABLE audit.events DISABLE TRIGGER events_append_only'],
    ])('the writer role cannot %s', async (_what, sql) => {
      await expect(asRole(WRITER, sql)).rejects.toMatchObject({ code: '42501' });
      expect(await rows('t-locked')).toHaveLength(3);
    });

    it.each([
      ['UPDATE', "UPDATE audit.events SET outcome = 'SUCCESS' WHERE tenant_id = 't-locked'"],
      ['INSERT', 'INSERT INTO audit.events_y2026m01 SELECT * FROM audit.events LIMIT 0'],
      ['TRUNCATE', 'TRUNCATE audit.events'],
    ])('the reader role cannot %s', async (_what, sql) => {
      await expect(asRole(READER, sql)).rejects.toMatchObject({ code: '42501' });
    });

    it.each([
      ['UPDATE', "UPDATE audit.events SET outcome = 'SUCCESS' WHERE tenant_id = 't-locked'"],
      ['DELETE', "DELETE FROM audit.events WHERE tenant_id = 't-locked'"],
      ['TRUNCATE of the parent', 'TRUNCATE audit.events'],
      ['TRUNCATE of a partition', 'TRUNCATE audit.events_y2026m01'],
      ['DELETE of review outcomes', 'DELETE FROM audit.review_outcomes'],
    ])('the trigger rejects %s even by the owner', async (_what, sql) => {
      await expect(admin.query(sql)).rejects.toThrow(/append-only/);
      expect(await rows('t-locked')).toHaveLength(3);
    });
  });

  describe('retention', () => {
    it('refuses less than six years, in the service and in the database', async () => {
      await expect(dropExpiredPartitions(db.adminUrl, 71)).rejects.toMatchObject({
        code: 'AUDIT_RETENTION_TOO_SHORT',
      });
      await expect(
        admin.query("SELECT audit.drop_expired_partitions(interval '5 years 11 months')"),
      ).rejects.toThrow(/under the 6-year minimum/);
    });

    it('drops only whole months that ended before the retention period, and keeps every row inside it', async () => {
      const now = new Date();
      const monthsAgo = (m: number, day = 15): number =>
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m, day);
      const tenant = 't-retention';
      // 8 years, 6 years and 2 months, and 6 years minus one month ago, and this month.
      const ages = [96, 74, 71, 0];
      await store.appendEvents(ages.map((age, n) => syntheticAuditEvent(tenant, n, monthsAgo(age))));
      const before = await admin.query<{ n: string }>('SELECT count(*) AS n FROM audit.events');

      const dropped = await dropExpiredPartitions(db.adminUrl, 72);

      const name = (age: number): string => {
        const d = new Date(monthsAgo(age));
        return `events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      };
      expect(dropped).toEqual(expect.arrayContaining([name(96), name(74)]));
      expect(dropped).not.toContain(name(71));
      expect(dropped).not.toContain(name(0));
      const kept = await rows(tenant);
      expect(kept.map((r) => r.event_id)).toEqual([`${tenant}-evt-2`, `${tenant}-evt-3`]);
      const after = await admin.query<{ n: string }>('SELECT count(*) AS n FROM audit.events');
      expect(Number(before.rows[0]!.n) - Number(after.rows[0]!.n)).toBe(2);
    });
  });
});
