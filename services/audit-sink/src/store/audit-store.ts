import pg from 'pg';
import { GENESIS_HASH, chainHash } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { AuditEvent, ReviewOutcome } from '@carerelay/events';
import { withClient } from './clients.js';
import { storeError } from './errors.js';
import { MonthPartitions } from './partitions.js';
import { copyIn } from './copy-in.js';
import {
  COPY_EVENTS,
  INSERT_REVIEW_OUTCOMES,
  eventCopyData,
  reviewColumns,
  type ChainedEvent,
} from './rows.js';

export interface AppendResult {
  /** Rows written (new events, each now a link of its tenant's chain). */
  readonly inserted: number;
  /** Events skipped because they were already stored or earlier in the same batch. */
  readonly duplicates: number;
}

export interface AuditStoreOptions {
  /** Connection string of the writer role (carerelay_audit_writer). */
  readonly url: string;
  /** Pool size: one connection per partition consumed in parallel, plus one. */
  readonly maxConnections?: number;
  readonly statementTimeoutMs?: number;
  readonly onPoolError?: (err: Error) => void;
}

/** The identity a redelivery repeats: tenant and eventId (audit.chain_links), whatever its occurredAt. */
const identity = (tenantId: string, eventId: string): string => `${tenantId}\u0000${eventId}`;

function validate(event: AuditEvent): void {
  const problem =
    event.tenantId === ''
      ? 'empty tenantId'
      : event.eventId === ''
        ? 'empty eventId'
        : !Number.isSafeInteger(event.occurredAt)
          ? 'occurredAt is not an integer epoch-ms'
          : undefined;
  if (problem) {
    throw new CareRelayError('AUDIT_EVENT_INVALID', `audit event ${event.eventId || '?'}: ${problem}`, {
      details: { tenantId: event.tenantId, eventId: event.eventId },
    });
  }
}

/**
 * The sink's side of the audit store (as carerelay_audit_writer): appends audit events
 * to their tenants' hash chains, and review outcomes, idempotently.
 */
export class AuditStore {
  readonly pool: pg.Pool;
  private readonly partitions: MonthPartitions;

  static fromConfig(options: AuditStoreOptions): AuditStore {
    return new AuditStore(options);
  }

  private constructor(options: AuditStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 4,
      application_name: 'carerelay-audit-sink',
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs ?? 60_000,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.pool.on('error', (err) => options.onPoolError?.(err));
    this.partitions = new MonthPartitions(this.pool);
  }

  /** Creates the partitions of the months around now, so the steady state never waits on DDL. */
  async prepare(now: number = Date.now()): Promise<void> {
    const here = new Date(now);
    const from = Date.UTC(here.getUTCFullYear(), here.getUTCMonth() - 1, 1);
    const to = Date.UTC(here.getUTCFullYear(), here.getUTCMonth() + 2, 1);
    await this.partitions.ensureFor([from, now, to]);
  }

  /** Succeeds when the store answers (readiness). */
  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (err) {
      throw storeError(err, 'audit store unreachable');
    }
  }

  /**
   * Appends a batch in one transaction: per tenant, lock the chain head (creating it at
   * genesis), skip events already stored or repeated in the batch (before hashing, so
   * they never enter the chain), chain the rest in batch order, load them all with one
   * binary COPY, and move the heads. Safe to repeat: a redelivered batch inserts nothing.
   */
  async appendEvents(events: readonly AuditEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    events.forEach(validate);
    await this.partitions.ensureFor(events.map((e) => e.occurredAt));
    const tenants = [...new Set(events.map((e) => e.tenantId))].sort();
    return withClient(this.pool, async (client) => {
      try {
        await client.query('BEGIN');
        const result = await this.appendInTransaction(client, events, tenants);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw storeError(err, 'audit events not stored');
      }
    });
  }

  private async appendInTransaction(
    client: pg.PoolClient,
    events: readonly AuditEvent[],
    tenants: readonly string[],
  ): Promise<AppendResult> {
    // Sorted tenants: two sinks locking overlapping heads always lock in the same order.
    await client.query(
      `INSERT INTO audit.chain_heads (tenant_id, seq, hash, updated_at)
       SELECT t, 0, $2, now() FROM unnest($1::text[]) AS t ORDER BY t
       ON CONFLICT (tenant_id) DO NOTHING`,
      [tenants, GENESIS_HASH],
    );
    const heads = await client.query<{ tenant_id: string; seq: string; hash: string }>(
      'SELECT tenant_id, seq, hash FROM audit.chain_heads WHERE tenant_id = ANY($1) ORDER BY tenant_id FOR UPDATE',
      [tenants],
    );
    // Under the head locks, no other writer can add these tenants' events until we commit.
    const stored = await client.query<{ tenant_id: string; event_id: string }>(
      `SELECT tenant_id, event_id FROM audit.chain_links
        WHERE tenant_id = ANY($1) AND event_id = ANY($2)`,
      [tenants, [...new Set(events.map((e) => e.eventId))]],
    );
    const seen = new Set(stored.rows.map((r) => identity(r.tenant_id, r.event_id)));
    const head = new Map(heads.rows.map((h) => [h.tenant_id, { seq: Number(h.seq), hash: h.hash }]));
    const chained: ChainedEvent[] = [];
    for (const event of events) {
      const key = identity(event.tenantId, event.eventId);
      if (seen.has(key)) continue;
      seen.add(key);
      const link = head.get(event.tenantId)!;
      const hash = chainHash(link.hash, event);
      chained.push({ event, seq: link.seq + 1, prevHash: link.hash, hash });
      head.set(event.tenantId, { seq: link.seq + 1, hash });
    }
    if (chained.length > 0) {
      await copyIn(client, COPY_EVENTS, eventCopyData(chained));
      const moved = [...new Set(chained.map((c) => c.event.tenantId))];
      await client.query(
        `UPDATE audit.chain_heads h SET seq = u.seq, hash = u.hash, updated_at = now()
           FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(tenant_id, seq, hash)
          WHERE h.tenant_id = u.tenant_id`,
        [moved, moved.map((t) => head.get(t)!.seq), moved.map((t) => head.get(t)!.hash)],
      );
    }
    return { inserted: chained.length, duplicates: events.length - chained.length };
  }

  /** Stores review outcomes; a redelivered one is ignored (ON CONFLICT DO NOTHING). */
  async appendReviewOutcomes(outcomes: readonly ReviewOutcome[]): Promise<AppendResult> {
    if (outcomes.length === 0) return { inserted: 0, duplicates: 0 };
    try {
      const result = await this.pool.query(INSERT_REVIEW_OUTCOMES, reviewColumns(outcomes));
      const inserted = result.rowCount ?? 0;
      return { inserted, duplicates: outcomes.length - inserted };
    } catch (err) {
      throw storeError(err, 'review outcomes not stored');
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
