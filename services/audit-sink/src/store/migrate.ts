import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { CareRelayError } from '@carerelay/errors';
import type { Logger } from '@carerelay/logger';
import { isTransient, storeError } from './errors.js';

/** services/audit-sink/migrations, from src/store (tests) and dist/store (built) alike. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly sha256: string;
}

export interface MigrateOptions {
  /** Where the NNNN_name.sql files are (default: the service's migrations folder). */
  readonly dir?: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migration files in version order; a gap or a duplicate version is a packaging error. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match) {
      throw new CareRelayError(
        'AUDIT_MIGRATION_INVALID',
        `migration file ${file} is not named NNNN_name.sql`,
      );
    }
    const sql = await readFile(join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (version !== migrations.length + 1) {
      throw new CareRelayError(
        'AUDIT_MIGRATION_INVALID',
        `migration ${file}: expected version ${migrations.length + 1}`,
      );
    }
    migrations.push({
      version,
      name: match[2]!,
      sql,
      sha256: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

// One key for every runner of every version, so two starting sinks never migrate at once.
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('carerelay.audit.migrations'))";

/**
 * Applies the audit store's migrations as the owner (the admin URL): each in its own
 * transaction under an advisory lock, recorded with its SHA-256 in audit.schema_migrations.
 * Re-running is a no-op; an already-applied file whose content changed is refused, so a
 * deployed schema never silently differs from the code that describes it.
 */
export async function migrateAuditStore(
  adminUrl: string,
  log?: Logger,
  options: MigrateOptions = {},
): Promise<{ readonly applied: readonly string[] }> {
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'carerelay-audit-migrate' });
  // A dropped connection surfaces through the query in flight; between queries it must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    throw storeError(cause, 'audit store unreachable for migrations');
  }
  const applied: string[] = [];
  try {
    await inTransaction(client, async () => {
      await client.query(LOCK);
      await client.query(`CREATE SCHEMA IF NOT EXISTS audit;
        CREATE TABLE IF NOT EXISTS audit.schema_migrations (
          version    integer     PRIMARY KEY,
          name       text        NOT NULL,
          sha256     text        NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
    });
    for (const migration of migrations) {
      const label = `${String(migration.version).padStart(4, '0')}_${migration.name}`;
      const didApply = await inTransaction(client, async () => {
        await client.query(LOCK);
        const { rows } = await client.query<{ sha256: string }>(
          'SELECT sha256 FROM audit.schema_migrations WHERE version = $1',
          [migration.version],
        );
        const recorded = rows[0];
        if (recorded) {
          if (recorded.sha256 !== migration.sha256) {
            throw new CareRelayError(
              'AUDIT_MIGRATION_CHECKSUM_MISMATCH',
              `migration ${label} was changed after it was applied (recorded sha256 ${recorded.sha256.slice(0, 12)}…, file ${migration.sha256.slice(0, 12)}…); add a new migration instead`,
            );
          }
          return false;
        }
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO audit.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.sha256],
        );
        return true;
      });
      if (didApply) {
        applied.push(label);
        log?.info({ migration: label }, 'audit store migration applied');
      }
    }
  } catch (err) {
    if (err instanceof CareRelayError) throw err;
    if (isTransient(err)) throw storeError(err, 'audit store migration interrupted');
    // A migration that fails on its own SQL fails the same way on every retry.
    throw new CareRelayError(
      'AUDIT_MIGRATION_FAILED',
      `audit store migration failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return { applied };
}

async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
