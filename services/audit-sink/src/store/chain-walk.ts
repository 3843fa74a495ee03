import { GENESIS_HASH, chainHash } from '@carerelay/audit';
import type { RetentionCheckpoint } from './checkpoints.js';
import { eventFromRow, occurredAtMs, type AuditEventRow } from './rows.js';

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

function breakAt(row: AuditEventRow, reason: ChainBreakReason, expectedSeq?: number): ChainBreak {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    occurredAt: new Date(Math.trunc(occurredAtMs(row))).toISOString(),
    reason,
    ...(expectedSeq === undefined ? {} : { expectedSeq }),
  };
}

/**
 * Walks a tenant's chain row by row in seq order (no I/O): each row must be the expected seq,
 * carry the previous link's hash, and hash to its stored hash. Where the next link is missing
 * and retention recorded a dropped run starting there, the walk steps over the run to the
 * link after it, expecting the run's last hash; any other missing link is a SEQ_GAP.
 */
export class ChainWalk {
  /** Rows whose link and hash held. */
  checked = 0;
  private expected: number;
  private prevHash: string;
  /** The last link walked, when it is a row (not a dropped run). */
  private lastRow: AuditEventRow | undefined;
  private readonly droppedFrom: ReadonlyMap<number, RetentionCheckpoint>;

  /**
   * @param start the first seq expected
   * @param prevHash the hash that link must carry ('' when its predecessor is unknown: a gap)
   */
  constructor(start: number, prevHash: string, dropped: readonly RetentionCheckpoint[] = []) {
    this.expected = start;
    this.prevHash = prevHash;
    this.droppedFrom = new Map(dropped.map((c) => [c.firstSeq, c]));
  }

  /** Checks the next row (in seq, event_id order); returns the break it makes, if any. */
  next(row: AuditEventRow): ChainBreak | undefined {
    const seq = Number(row.seq);
    this.skipDropped(seq);
    if (this.prevHash === '') return breakAt(row, 'SEQ_GAP', seq - 1);
    if (seq !== this.expected) return breakAt(row, 'SEQ_GAP', this.expected);
    if (row.prev_hash !== this.prevHash) return breakAt(row, 'LINK_MISMATCH');
    if (chainHash(row.prev_hash, eventFromRow(row)) !== row.hash) return breakAt(row, 'HASH_MISMATCH');
    this.checked += 1;
    this.expected += 1;
    this.prevHash = row.hash;
    this.lastRow = row;
    return undefined;
  }

  /** After the last row of the whole chain: the chain head must be its last link. */
  end(head: { readonly seq: number; readonly hash: string } | undefined): ChainBreak | undefined {
    this.skipDropped(Infinity);
    const headSeq = head?.seq ?? 0;
    const headHash = head?.hash ?? GENESIS_HASH;
    if (headSeq === this.expected - 1 && headHash === this.prevHash) return undefined;
    if (this.lastRow && Number(this.lastRow.seq) === this.expected - 1)
      return breakAt(this.lastRow, 'HEAD_MISMATCH');
    // No row holds the last link: name the head's.
    return { seq: headSeq, eventId: '', occurredAt: '', reason: 'HEAD_MISMATCH' };
  }

  /** Steps over the dropped runs that start at the expected seq, while `until` is further on. */
  private skipDropped(until: number): void {
    for (
      let run = this.droppedFrom.get(this.expected);
      run !== undefined && this.expected < until;
      run = this.droppedFrom.get(this.expected)
    ) {
      this.expected = run.seq + 1;
      this.prevHash = run.hash;
      this.lastRow = undefined;
    }
  }
}
