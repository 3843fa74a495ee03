import pg from 'pg';
import { CareRelayError } from '@carerelay/errors';
import { storeError } from './errors.js';

/** HIPAA keeps compliance documentation six years; the store never keeps less. */
export const MIN_RETENTION_MONTHS = 72;

/**
 * Drops the monthly partitions that ended more than `retentionMonths` ago, as the owner
 * (audit.drop_expired_partitions refuses under six years, and so does this function, before
 * asking). Returns the dropped partitions' names. Nothing inside retention is ever touched.
 * The function records each dropped partition's links in audit.chain_checkpoints in the
 * same statement (one transaction), so verifyChain can start the retained chain from them.
 */
export async function dropExpiredPartitions(adminUrl: string, retentionMonths: number): Promise<string[]> {
  if (!Number.isInteger(retentionMonths) || retentionMonths < MIN_RETENTION_MONTHS) {
    throw new CareRelayError(
      'AUDIT_RETENTION_TOO_SHORT',
      `audit retention of ${retentionMonths} months is under the ${MIN_RETENTION_MONTHS}-month minimum`,
    );
  }
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'carerelay-audit-retention' });
  // A dropped connection surfaces through the query in flight; between queries it must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dropped: string }>(
      'SELECT audit.drop_expired_partitions(make_interval(months => $1)) AS dropped',
      [retentionMonths],
    );
    return rows.map((r) => r.dropped);
  } catch (err) {
    throw storeError(err, 'audit retention failed');
  } finally {
    await client.end().catch(() => undefined);
  }
}
