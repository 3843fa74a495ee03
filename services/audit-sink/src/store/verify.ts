import type pg from 'pg';
import { GENESIS_HASH } from '@carerelay/audit';
import { ChainWalk, type ChainBreak } from './chain-walk.js';
import {
  anchorOf,
  readCheckpoints,
  retentionFrontier,
  type ChainAnchor,
  type RetentionCheckpoint,
} from './checkpoints.js';
import { withClient } from './clients.js';
import { storeError } from './errors.js';
import { EVENT_COLUMNS, type AuditEventRow } from './rows.js';

export type { ChainBreak, ChainBreakReason } from './chain-walk.js';
export type { ChainAnchor } from './checkpoints.js';

export interface ChainVerification {
  readonly ok: boolean;
  /** Rows whose link and hash were checked (up to the first break). */
  readonly checked: number;
  readonly firstBroken?: ChainBreak;
  /**
   * Set when the walk started after the links retention dropped instead of at genesis: the
   * retention checkpoint whose hash the first retained link was checked against.
   */
  readonly anchoredAt?: ChainAnchor;
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

/**
 * Verifies one tenant's chain, optionally over a time range: the rows from the least seq
 * with occurred_at >= from to the greatest seq with occurred_at < to, walked in seq order
 * and in pages, each checked for its seq, its link to the previous row (or to genesis),
 * and its hash recomputed from its columns. Without a range, the chain head must also
 * agree with the last row. Reads one snapshot, so concurrent ingestion does not disturb it.
 * Works as the reader role.
 *
 * After retention: the whole chain, or a range reaching back to its retained beginning,
 * starts after the retention checkpoint (anchoredAt) instead of at genesis; links dropped
 * later with an old month (late events) are stepped over where their checkpoints say.
 */
export async function verifyChain(
  pool: Pick<pg.Pool, 'connect'>,
  tenantId: string,
  range: VerifyRange = {},
): Promise<ChainVerification> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // Before the snapshot is taken (LOCK takes none): a retention run in progress holds
      // this lock until it commits, and the snapshot then sees its drops and checkpoints together.
      await client.query('LOCK TABLE ONLY audit.events IN ACCESS SHARE MODE');
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
  const lo = bound.rows[0]!.lo === null ? null : Number(bound.rows[0]!.lo);
  const hi = bound.rows[0]!.hi === null ? null : Number(bound.rows[0]!.hi);
  if (!full && (lo === null || hi === null || hi < lo)) return { ok: true, checked: 0 };

  const dropped = await readCheckpoints(client, tenantId);
  const frontier = retentionFrontier(dropped);
  const frontierSeq = frontier?.seq ?? 0;
  // The whole chain starts at genesis or after the retention frontier; so does a range that
  // reaches back to it. Any other range starts at its first row, linked to the row before.
  const fromStart = full || lo === null || lo <= frontierSeq + 1;
  const start = fromStart ? frontierSeq + 1 : lo;
  const walk = new ChainWalk(
    start,
    fromStart ? (frontier?.hash ?? GENESIS_HASH) : await predecessorHash(client, tenantId, start, dropped),
    dropped,
  );
  const anchoredAt = fromStart && frontier ? { anchoredAt: anchorOf(frontier) } : {};
  const outcome = (firstBroken: ChainBreak | undefined): ChainVerification =>
    firstBroken
      ? { ok: false, checked: walk.checked, firstBroken, ...anchoredAt }
      : { ok: true, checked: walk.checked, ...anchoredAt };

  if (hi !== null && hi >= start) {
    const firstBroken = await walkRows(client, tenantId, walk, start, hi, range.pageSize ?? 5_000);
    if (firstBroken) return outcome(firstBroken);
  }
  if (!full) return outcome(undefined);
  const head = (
    await client.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit.chain_heads WHERE tenant_id = $1',
      [tenantId],
    )
  ).rows[0];
  return outcome(walk.end(head && { seq: Number(head.seq), hash: head.hash }));
}

/** The hash the first row of a range must carry; '' when its predecessor is gone (a gap). */
async function predecessorHash(
  client: pg.PoolClient,
  tenantId: string,
  seq: number,
  dropped: readonly RetentionCheckpoint[],
): Promise<string> {
  if (seq === 1) return GENESIS_HASH;
  const before = await client.query<{ hash: string }>(
    'SELECT hash FROM audit.events WHERE tenant_id = $1 AND seq = $2 LIMIT 1',
    [tenantId, seq - 1],
  );
  return before.rows[0]?.hash ?? dropped.find((c) => c.seq === seq - 1)?.hash ?? '';
}

/** Feeds the rows with seq in [lo, hi] to the walk in pages; returns the first break. */
async function walkRows(
  client: pg.PoolClient,
  tenantId: string,
  walk: ChainWalk,
  lo: number,
  hi: number,
  pageSize: number,
): Promise<ChainBreak | undefined> {
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
      const firstBroken = walk.next(row);
      if (firstBroken) return firstBroken;
    }
    if (page.rows.length < pageSize) return undefined;
    const tail = page.rows[page.rows.length - 1]!;
    cursor = [String(tail.seq), tail.event_id];
  }
}
