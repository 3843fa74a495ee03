import type { Logger } from '@carerelay/logger';
import {
  AuditStore,
  databaseUrl,
  migrateAuditStore,
  type AuditSinkOptions,
} from '@carerelay/service-audit-sink';
import pg from 'pg';

/** The Postgres server the embedded default keeps its audit store on (database carerelay_embedded). */
export const DEFAULT_EMBEDDED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const EMBEDDED_DATABASE = 'carerelay_embedded';

/**
 * The embedded default's audit store: the same schema, triggers, roles and hash chain as
 * the distributed mode, in a `carerelay_embedded` database of the local Postgres. The sink
 * writes as carerelay_audit_writer where the server lets that role log in (trust/peer auth),
 * else as the URL's own user (the triggers still refuse UPDATE and DELETE). Undefined, with
 * a warning, when no Postgres answers: the demo still runs, audit events stay on the bus.
 */
export async function embeddedAuditStore(
  serverUrl: string,
  logger: Logger,
): Promise<AuditSinkOptions | undefined> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) {
      // Another process may create it between the check and here (42P04): that is fine.
      await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
    }
  } catch (err) {
    logger.warn(
      { errorCode: (err as { code?: string }).code ?? 'AUDIT_STORE_UNAVAILABLE' },
      'no Postgres for the embedded audit store: audit events are not persisted',
    );
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const adminUrl = databaseUrl(serverUrl, EMBEDDED_DATABASE);
  await migrateAuditStore(adminUrl, logger);
  let store = AuditStore.fromConfig({
    url: databaseUrl(serverUrl, EMBEDDED_DATABASE, 'carerelay_audit_writer'),
  });
  try {
    await store.ping();
  } catch {
    await store.close();
    store = AuditStore.fromConfig({ url: adminUrl });
  }
  return { store, migrate: () => Promise.resolve(), close: () => store.close() };
}
