import type pg from 'pg';
import { storeError } from './errors.js';

/**
 * Runs `work` on a pooled connection. While checked out, a connection that dies emits
 * 'error' on its client with nobody listening (the pool listens only to idle ones), which
 * would crash the process: listen, and hand a broken or failed connection back for disposal.
 */
export async function withClient<T>(
  pool: Pick<pg.Pool, 'connect'>,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw storeError(err, 'audit store unreachable');
  }
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    // A connection that failed mid-transaction may be unusable: do not hand it out again.
    broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
