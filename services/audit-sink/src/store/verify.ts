import type pg from 'pg';
import { GENESIS_HASH, chainHash } from '@carerelay/audit';
import { withClient } from './clients.js';
import { storeError } from './errors.js';
import { EVENT_COLUMNS, eventFromRow, occurredAtMs, type AuditEventRow } from './rows.js';

export type ChainBreakReason = 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'SEQ_GAP' | 'HEAD_MISMATCH';

/** The first link of a chain that does not hold. */
export interface ChainBreak {
  readonly seq: number;
  readonly eventId: string;
  /** ISO 8601 (UTC) occurredAt of that row. */
  readonly occurredAt: string;
  readonly reason: ChainBreakReason;
  /** For SEQ_GAP: the seq that should have come next. */
  readonly expectedSeq?: number;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Rows whose link and hash were checked (up to the first break). */
  readonly checked: number;
  readonly firstBroken?: ChainBreak;
}

export interface VerifyRange {
  /** Inclusive lower bound on occurred_at. */
  readonly from?: Date | number;
  /** Exclusive upper bound on occurred_at. */
  readonly to?: Date | number;
  /** Rows read per query (default 5,000). */
  readonly pageSize?: number;
}

const toDate = (t: Date | number): Date => (t instanceof Date ? t : new Date(t));

function broken(
  row: AuditEventRow,
  reason: ChainBreakReason,
  checked: number,
  expectedSeq?: number,
): ChainVerification {
  return {
    ok: false,
    checked,
    firstBroken: {
      seq: Number(row.seq),
      eventId: row.event_id,
      occurredAt: new Date(Math.trunc(occurredAtMs(row))).toISOString(),
      reason,
      ...(expectedSeq === undefined ? {} : { expectedSeq }),
    },
  };
}

/**
 * Verifies one tenant's chain, optionally over a time range: the rows from the least seq
 * with occurred_at >= from to the greatest seq with occurred_at < to, walked in seq order
 * and in pages, each checked for its seq, its link to the previous row (or to genesis),
 * and its hash recomputed from its columns. Without a range, the chain head must also
 * agree with the last row. Reads one snapshot, so concurrent ingestion does not disturb it.
 * Works as the reader role.
 */
export async function verifyChain(
  pool: Pick<pg.Pool, 'connect'>,
  tenantId: string,
  range: VerifyRange = {},
): Promise<ChainVerification> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await verifyInSnapshot(client, tenantId, range);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(err, 'chain verification failed');
    }
  });
}

async function verifyInSnapshot(
  client: pg.PoolClient,
  tenantId: string,
  range: VerifyRange,
): Promise<ChainVerification> {
  const full = range.from === undefined && range.to === undefined;
  const bound = await client.query<{ lo: string | null; hi: string | null }>(
    `SELECT (SELECT min(seq) FROM audit.events WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2)) AS lo,
            (SELECT max(seq) FROM audit.events WHERE tenant_id = $1 AND ($3::timestamptz IS NULL OR occurred_at < $3)) AS hi`,
    [
      tenantId,
      range.from === undefined ? null : toDate(range.from),
      range.to === undefined ? null : toDate(range.to),
    ],
  );
  const head = full
    ? (
        await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM audit.chain_heads WHERE tenant_id = $1',
          [tenantId],
        )
      ).rows[0]
    : undefined;
  const { hi } = bound.rows[0]!;
  // The whole chain starts at seq 1; a range starts at its first row.
  const lo = full ? '1' : bound.rows[0]!.lo;
  if (lo === null || hi === null || Number(hi) < Number(lo)) {
    if (full && head && Number(head.seq) > 0) {
      // The head says events exist, but none is left.
      return {
        ok: false,
        checked: 0,
        firstBroken: { seq: Number(head.seq), eventId: '', occurredAt: '', reason: 'HEAD_MISMATCH' },
      };
    }
    return { ok: true, checked: 0 };
  }

  let expected = Number(lo);
  let prevHash = GENESIS_HASH;
  if (expected > 1) {
    const before = await client.query<{ hash: string }>(
      'SELECT hash FROM audit.events WHERE tenant_id = $1 AND seq = $2 LIMIT 1',
      [tenantId, expected - 1],
    );
    // Without its predecessor the first row's link cannot hold: treat it as the gap it is.
    prevHash = before.rows[0]?.hash ?? '';
  }
  const pageSize = range.pageSize ?? 5_000;
  let checked = 0;
  let last: AuditEventRow | undefined;
  // Keyset pages on (seq, event_id): a duplicated seq (an inserted row) is still read and reported.
  let cursor: [string | null, string | null] = [null, null];
  for (;;) {
    const page = await client.query<AuditEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit.events
        WHERE tenant_id = $1 AND seq BETWEEN $2 AND $3
          AND ($4::bigint IS NULL OR (seq, event_id) > ($4::bigint, $5::text))
        ORDER BY seq, event_id LIMIT $6`,
      [tenantId, lo, hi, cursor[0], cursor[1], pageSize],
    );
    for (const row of page.rows) {
      const seq = Number(row.seq);
      if (prevHash === '') return broken(row, 'SEQ_GAP', checked, seq - 1);
      if (seq !== expected) return broken(row, 'SEQ_GAP', checked, expected);
      if (row.prev_hash !== prevHash) return broken(row, 'LINK_MISMATCH', checked);
      if (chainHash(row.prev_hash, eventFromRow(row)) !== row.hash)
        return broken(row, 'HASH_MISMATCH', checked);
      checked += 1;
      expected += 1;
      prevHash = row.hash;
      last = row;
    }
    if (page.rows.length < pageSize) break;
    const tail = page.rows[page.rows.length - 1]!;
    cursor = [String(tail.seq), tail.event_id];
  }
  if (full && last && (!head || Number(head.seq) !== Number(last.seq) || head.hash !== last.hash)) {
    return broken(last, 'HEAD_MISMATCH', checked);
  }
  return { ok: true, checked };
}
