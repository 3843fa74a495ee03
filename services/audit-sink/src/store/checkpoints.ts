import type pg from 'pg';

/**
 * Links `firstSeq..seq` of a tenant's chain, dropped by retention with one monthly partition
 * (audit.chain_checkpoints, written by audit.drop_expired_partitions in the drop's transaction).
 */
export interface RetentionCheckpoint {
  readonly firstSeq: number;
  /** The run's last link. */
  readonly seq: number;
  /** Hash of link `seq`: the prev_hash of the retained link after it. */
  readonly hash: string;
  /** End (exclusive) of the dropped partition's month. */
  readonly droppedUntil: Date;
  readonly recordedAt: Date;
}

/** Where a verification of a chain whose beginning retention dropped started from. */
export interface ChainAnchor {
  readonly reason: 'RETENTION_CHECKPOINT';
  /** The last dropped link before the retained chain: verification starts at seq + 1. */
  readonly seq: number;
  /** Its hash, which the first retained link must carry as prev_hash. */
  readonly hash: string;
  /** ISO 8601: end (exclusive) of the month retention dropped that link with. */
  readonly droppedUntil: string;
  /** ISO 8601: when retention recorded the checkpoint. */
  readonly recordedAt: string;
}

/** A tenant's retention checkpoints, in chain order. */
export async function readCheckpoints(
  client: Pick<pg.ClientBase, 'query'>,
  tenantId: string,
): Promise<RetentionCheckpoint[]> {
  const { rows } = await client.query<{
    first_seq: string;
    seq: string;
    hash: string;
    dropped_until: Date;
    recorded_at: Date;
  }>(
    `SELECT first_seq, seq, hash, dropped_until, recorded_at
       FROM audit.chain_checkpoints WHERE tenant_id = $1 ORDER BY first_seq`,
    [tenantId],
  );
  return rows.map((r) => ({
    firstSeq: Number(r.first_seq),
    seq: Number(r.seq),
    hash: r.hash,
    droppedUntil: r.dropped_until,
    recordedAt: r.recorded_at,
  }));
}

/**
 * The checkpoint the retained chain starts after: the end of the dropped runs that cover
 * links 1..n without a hole. A hole (a link deleted before its partition was dropped) stops
 * it there, so the missing link is still reported; runs after a hole (e.g. a late event whose
 * old month was dropped) are stepped over during the walk instead, each where it belongs.
 */
export function retentionFrontier(
  checkpoints: readonly RetentionCheckpoint[],
): RetentionCheckpoint | undefined {
  let frontier: RetentionCheckpoint | undefined;
  for (const checkpoint of [...checkpoints].sort((a, b) => a.firstSeq - b.firstSeq)) {
    const next = (frontier?.seq ?? 0) + 1;
    if (checkpoint.firstSeq > next) break;
    if (checkpoint.seq >= next) frontier = checkpoint;
  }
  return frontier;
}

export function anchorOf(checkpoint: RetentionCheckpoint): ChainAnchor {
  return {
    reason: 'RETENTION_CHECKPOINT',
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    droppedUntil: checkpoint.droppedUntil.toISOString(),
    recordedAt: checkpoint.recordedAt.toISOString(),
  };
}
