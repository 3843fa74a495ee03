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
    expect(first.applied).toEqual(['0001_audit_store', '0002_chain_checkpoints']);
    const second = await migrateAuditStore(db.adminUrl);
    expect(second.applied).toEqual([]);
    const recorded = await query<{ version: number; name: string }>(
      db.adminUrl,
      'SELECT version, name FROM audit.schema_migrations ORDER BY version',
    );
    expect(recorded).toEqual([
      { version: 1, name: 'audit_store' },
      { version: 2, name: 'chain_checkpoints' },
    ]);
    const tables = await query<{ relname: string }>(
      db.adminUrl,
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'audit' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    expect(tables.map((t) => t.relname)).toEqual([
      'chain_checkpoints',
      'chain_heads',
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
      expect((await migrateAuditStore(other.adminUrl)).applied).toEqual(['0002_chain_checkpoints']);
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
      join(dir, '0003_broken.sql'),
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
      expect(versions.map((v) => v.version)).toEqual([1, 2]);
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
