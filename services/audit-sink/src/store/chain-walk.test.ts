import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash } from '@carerelay/audit';
import type { AuditEvent } from '@carerelay/events';
import { ChainWalk } from './chain-walk.js';
import { retentionFrontier, type RetentionCheckpoint } from './checkpoints.js';
import type { AuditEventRow } from './rows.js';
import { syntheticAuditEvent } from './testing.js';

/** The row the store would hold for an event at `seq` of a chain. */
function rowOf(e: AuditEvent, seq: number, prevHash: string): AuditEventRow {
  return {
    tenant_id: e.tenantId,
    seq: String(seq),
    event_id: e.eventId,
    occurred_at: new Date(e.occurredAt),
    ehr_occurred_at: e.ehrOccurredAt === null ? null : new Date(e.ehrOccurredAt),
    action: e.action,
    outcome: e.outcome,
    actor_service: e.actor.service,
    actor_user_id: e.actor.userId,
    actor_role: e.actor.role,
    client_id: e.clientId,
    purpose_of_use: e.purposeOfUse,
    task_id: e.taskId,
    correlation_id: e.correlationId,
    recipient: e.recipient,
    description: e.description,
    reason_code: e.reasonCode,
    part2: e.part2,
    model: e.model,
    template_version: e.templateVersion,
    use_case: e.useCase ?? null,
    counts: e.counts,
    hashes: e.hashes,
    prev_hash: prevHash,
    hash: chainHash(prevHash, e),
  };
}

/** Links 1..n of one tenant's chain, rows[i] at seq i + 1. */
function chain(n: number): AuditEventRow[] {
  const rows: AuditEventRow[] = [];
  for (let i = 0; i < n; i++)
    rows.push(rowOf(syntheticAuditEvent('t', i), i + 1, rows[i - 1]?.hash ?? GENESIS_HASH));
  return rows;
}

/** A checkpoint for links first..last of `rows` (1-based seqs). */
function dropped(rows: readonly AuditEventRow[], first: number, last: number): RetentionCheckpoint {
  return {
    firstSeq: first,
    seq: last,
    hash: rows[last - 1]!.hash,
    droppedUntil: new Date(0),
    recordedAt: new Date(0),
  };
}

const rows = chain(8);
const head = (seq: number) => ({ seq, hash: rows[seq - 1]!.hash });

describe('retentionFrontier', () => {
  it('is the end of the dropped runs that cover the chain from seq 1 without a hole, in any order', () => {
    const runs = [dropped(rows, 4, 4), dropped(rows, 1, 2), dropped(rows, 3, 3), dropped(rows, 7, 7)];
    expect(retentionFrontier(runs)?.seq).toBe(4);
  });

  it('stops before a link no checkpoint covers (deleted before its month was dropped)', () => {
    expect(retentionFrontier([dropped(rows, 1, 2), dropped(rows, 4, 5)])?.seq).toBe(2);
    expect(retentionFrontier([dropped(rows, 2, 5)])).toBeUndefined();
    expect(retentionFrontier([])).toBeUndefined();
  });
});

describe('ChainWalk', () => {
  it('steps over a run retention dropped between retained links, linking across it', () => {
    // 1-2 and 5 dropped; 3, 4, 6, 7, 8 retained.
    const runs = [dropped(rows, 1, 2), dropped(rows, 5, 5)];
    const walk = new ChainWalk(3, rows[1]!.hash, runs);
    for (const seq of [3, 4, 6, 7, 8]) expect(walk.next(rows[seq - 1]!)).toBeUndefined();
    expect(walk.checked).toBe(5);
    expect(walk.end(head(8))).toBeUndefined();
  });

  it('reports a missing retained link as SEQ_GAP at the next row, even before a later dropped run', () => {
    const walk = new ChainWalk(3, rows[1]!.hash, [dropped(rows, 1, 2), dropped(rows, 5, 5)]);
    expect(walk.next(rows[2]!)).toBeUndefined();
    // Link 4 is gone; the run at 5 does not excuse it.
    expect(walk.next(rows[5]!)).toMatchObject({ seq: 6, reason: 'SEQ_GAP', expectedSeq: 4 });
  });

  it('checks the first retained link against the checkpoint hash', () => {
    const walk = new ChainWalk(3, 'f'.repeat(64), [dropped(rows, 1, 2)]);
    expect(walk.next(rows[2]!)).toMatchObject({ seq: 3, reason: 'LINK_MISMATCH' });
  });

  it('accepts a head that is the last dropped link when no retained row follows it', () => {
    const onlyDropped = new ChainWalk(1, GENESIS_HASH, [dropped(rows, 1, 8)]);
    expect(onlyDropped.end(head(8))).toBeUndefined();
    const tailDropped = new ChainWalk(7, rows[5]!.hash, [dropped(rows, 8, 8)]);
    expect(tailDropped.next(rows[6]!)).toBeUndefined();
    expect(tailDropped.end(head(8))).toBeUndefined();
  });

  it('names the head when it is ahead of the last link, with no row to name', () => {
    const walk = new ChainWalk(1, GENESIS_HASH, [dropped(rows, 1, 6)]);
    expect(walk.end(head(8))).toEqual({ seq: 8, eventId: '', occurredAt: '', reason: 'HEAD_MISMATCH' });
    const walked = new ChainWalk(1, GENESIS_HASH);
    for (const row of rows.slice(0, 7)) walked.next(row);
    expect(walked.end(head(8))).toMatchObject({ seq: 7, eventId: rows[6]!.event_id, reason: 'HEAD_MISMATCH' });
  });
});
