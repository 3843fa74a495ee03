import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, migrateAuditStore } from './store/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from './store/testing.js';

describe('audit store migrations', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(inject('databaseUrl'));
  });
  afterAll(() => db.drop());

  async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('apply once, then a second run applies nothing and changes nothing', async () => {
    const first = await migrateAuditStore(db.adminUrl);
    expect(first.applied).toEqual([
      '0001_audit_store',
      '0002_chain_checkpoints',
      '0003_unique_links_and_ehr_time',
    ]);
    const second = await migrateAuditStore(db.adminUrl);
    expect(second.applied).toEqual([]);
    const recorded = await query<{ version: number; name: string }>(
      db.adminUrl,
      'SELECT version, name FROM audit.schema_migrations ORDER BY version',
    );
    expect(recorded).toEqual([
      { version: 1, name: 'audit_store' },
      { version: 2, name: 'chain_checkpoints' },
      { version: 3, name: 'unique_links_and_ehr_time' },
    ]);
    const tables = await query<{ relname: string }>(
      db.adminUrl,
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'audit' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    expect(tables.map((t) => t.relname)).toEqual([
      'chain_checkpoints',
      'chain_heads',
      'chain_links',
      'events',
      'review_outcomes',
      'schema_migrations',
    ]);
  });

  it('a store deployed at 0001 upgrades with 0002 alone: retention then checkpoints, and stays owner-only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-migrations-'));
    await cp(join(MIGRATIONS_DIR, '0001_audit_store.sql'), join(dir, '0001_audit_store.sql'));
    const other = await createScratchDatabase(inject('databaseUrl'));
    try {
      expect((await migrateAuditStore(other.adminUrl, undefined, { dir })).applied).toEqual([
        '0001_audit_store',
      ]);
      expect((await migrateAuditStore(other.adminUrl)).applied).toEqual([
        '0002_chain_checkpoints',
        '0003_unique_links_and_ehr_time',
      ]);
      expect((await migrateAuditStore(other.adminUrl)).applied).toEqual([]);
      const [fn] = await query<{ writes_checkpoints: boolean; writer: boolean; reader: boolean }>(
        other.adminUrl,
        `SELECT prosrc LIKE '%audit.chain_checkpoints%' AS writes_checkpoints,
                has_function_privilege('carerelay_audit_writer', p.oid, 'EXECUTE') AS writer,
                has_function_privilege('carerelay_audit_reader', p.oid, 'EXECUTE') AS reader
           FROM pg_proc p WHERE p.oid = 'audit.drop_expired_partitions(interval)'::regprocedure`,
      );
      expect(fn).toEqual({ writes_checkpoints: true, writer: false, reader: false });
    } finally {
      await other.drop();
    }
  });

  it('a store holding events upgrades with 0003: their links are backfilled, and a stored (tenant, seq) can no longer be inserted again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-migrations-'));
    for (const file of ['0001_audit_store.sql', '0002_chain_checkpoints.sql']) {
      await cp(join(MIGRATIONS_DIR, file), join(dir, file));
    }
    const other = await createScratchDatabase(inject('databaseUrl'));
    const admin = new pg.Client({ connectionString: other.adminUrl });
    try {
      await migrateAuditStore(other.adminUrl, undefined, { dir });
      await admin.connect();
      await admin.query("SELECT audit.ensure_month_partitions('2026-01-01', '2026-02-01')");
      const insert = (seq: number, eventId: string, at: string): Promise<unknown> =>
        admin.query(
          `INSERT INTO audit.events (tenant_id, seq, event_id, occurred_at, action, outcome, actor_service,
             part2, counts, hashes, prev_hash, hash)
           VALUES ('t-up', $1, $2, $3, 'QUERY', 'SUCCESS', 'audit-sink', false, '{}', '{}', $4, $4)`,
          [seq, eventId, at, '0'.repeat(64)],
        );
      await insert(1, 'before-1', '2026-01-05T00:00:00Z');
      await insert(2, 'before-2', '2026-02-05T00:00:00Z');
      expect((await migrateAuditStore(other.adminUrl)).applied).toEqual(['0003_unique_links_and_ehr_time']);
      const links = await admin.query<{ seq: string; event_id: string }>(
        "SELECT seq, event_id FROM audit.chain_links WHERE tenant_id = 't-up' ORDER BY seq",
      );
      expect(links.rows).toEqual([
        { seq: '1', event_id: 'before-1' },
        { seq: '2', event_id: 'before-2' },
      ]);
      await expect(insert(2, 'after-2', '2026-01-06T00:00:00Z')).rejects.toMatchObject({ code: '23505' });
      await insert(3, 'after-3', '2026-02-06T00:00:00Z');
    } finally {
      await admin.end().catch(() => undefined);
      await other.drop();
    }
  });

  it('two runners starting at once apply each migration exactly once', async () => {
    const other = await createScratchDatabase(inject('databaseUrl'));
    try {
      const results = await Promise.all([
        migrateAuditStore(other.adminUrl),
        migrateAuditStore(other.adminUrl),
      ]);
      expect(results.flatMap((r) => r.applied).sort()).toEqual([
        '0001_audit_store',
        '0002_chain_checkpoints',
        '0003_unique_links_and_ehr_time',
      ]);
    } finally {
      await other.drop();
    }
  });

  it('refuses an applied migration whose file changed since, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const other = await createScratchDatabase(inject('databaseUrl'));
    try {
      await migrateAuditStore(other.adminUrl, undefined, { dir });
      const file = join(dir, '0001_audit_store.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after deployment\n`);
      await expect(migrateAuditStore(other.adminUrl, undefined, { dir })).rejects.toMatchObject({
        code: 'AUDIT_MIGRATION_CHECKSUM_MISMATCH',
        retryable: false,
        message: expect.stringContaining('0001_audit_store') as unknown,
      });
    } finally {
      await other.drop();
    }
  });

  it('a migration whose SQL fails leaves nothing half-applied and is not recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, '0004_broken.sql'),
      'CREATE TABLE audit.half_done (id int);\nSELECT no_such_function();\n',
    );
    const other = await createScratchDatabase(inject('databaseUrl'));
    try {
      await expect(migrateAuditStore(other.adminUrl, undefined, { dir })).rejects.toMatchObject({
        code: 'AUDIT_MIGRATION_FAILED',
      });
      const versions = await query<{ version: number }>(
        other.adminUrl,
        'SELECT version FROM audit.schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      const halfDone = await query<{ t: string | null }>(
        other.adminUrl,
        "SELECT to_regclass('audit.half_done')::text AS t",
      );
      expect(halfDone[0]!.t).toBeNull();
    } finally {
      await other.drop();
    }
  });
});
