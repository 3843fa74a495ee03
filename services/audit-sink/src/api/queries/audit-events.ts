import { createHash } from 'node:crypto';
import type { AuditAction, AuditEvent, AuditOutcome } from '@carerelay/events';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { eventFromRow, type AuditEventRow } from '../../store/rows.js';
import type { EventPosition } from '../cursor.js';
import type { TimeRange } from '../time-range.js';

/** Anything that runs a parameterised query: a pg Pool or a client. */
export type Queryable = Pick<Pool, 'query'>;

/**
 * Runs a query as a named prepared statement (one name per distinct text). With six years of
 * monthly partitions, planning costs more than executing (~20 ms against ~4 ms for an
 * accounting); a prepared statement lets Postgres reuse a generic plan, pruning partitions
 * at execution.
 */
export function preparedQuery<R extends QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  const name = `compliance-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  return db.query<R>({ name, text, values });
}

/** One stored audit event as the API shows it: the Avro value plus its place in the chain. */
export type AuditRecord = Omit<AuditEvent, 'occurredAt' | 'ehrOccurredAt'> & {
  readonly seq: number;
  /** ISO 8601, UTC: when CareRelay recorded the act. */
  readonly occurredAt: string;
  /** ISO 8601, UTC: when the EHR says it happened, when it says (an EHR-editable claim). */
  readonly ehrOccurredAt: string | null;
  readonly prevHash: string;
  readonly hash: string;
  readonly recordedAt: string;
};

/** Search filters; every one is an exact match, combined with AND. */
export interface AuditEventFilters {
  readonly clientId?: string;
  readonly userId?: string;
  readonly action?: AuditAction;
  readonly outcome?: AuditOutcome;
  readonly model?: string;
  readonly templateVersion?: string;
}

export interface AuditEventPage {
  readonly events: readonly AuditRecord[];
  /** Where the next page starts; null on the last page. */
  readonly next: EventPosition | null;
}

// The only columns a filter may name: values always travel as parameters.
const FILTER_COLUMNS: Readonly<Record<keyof AuditEventFilters, string>> = {
  clientId: 'client_id',
  userId: 'actor_user_id',
  action: 'action',
  outcome: 'outcome',
  model: 'model',
  templateVersion: 'template_version',
};

export const EVENT_COLUMNS = `seq, event_id, occurred_at,
  (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us,
  tenant_id, action, outcome, actor_service, actor_user_id, actor_role, client_id, purpose_of_use,
  task_id, correlation_id, recipient, description, reason_code, part2, model, template_version,
  use_case, counts, hashes, prev_hash, hash, recorded_at, ehr_occurred_at`;

/** A row as the API selects it (EVENT_COLUMNS): the store's row plus the exact microsecond position. */
export interface EventRow extends AuditEventRow {
  readonly seq: string;
  readonly occurred_us: string;
  readonly recorded_at: Date;
}

export function recordFromRow(row: EventRow): AuditRecord {
  return {
    ...eventFromRow(row),
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    ehrOccurredAt: row.ehr_occurred_at ? row.ehr_occurred_at.toISOString() : null,
    prevHash: row.prev_hash,
    hash: row.hash,
    recordedAt: row.recorded_at.toISOString(),
  };
}

/** The keyset condition "after this position" in the order (occurred_at, seq). */
export function afterPosition(values: unknown[], position: EventPosition): string {
  values.push(position.occurredUs, position.seq);
  const us = values.length - 1;
  return `(occurred_at, seq) > (timestamptz 'epoch' + $${us}::bigint * interval '1 microsecond', $${us + 1}::bigint)`;
}

/**
 * One page of a tenant's audit events in [from, to), in the stable order (occurred_at, seq),
 * after `after` when given. Reads `limit + 1` rows to know whether another page follows.
 */
export async function searchAuditEvents(
  db: Queryable,
  tenantId: string,
  filters: AuditEventFilters,
  range: TimeRange,
  page: { readonly limit: number; readonly after?: EventPosition },
): Promise<AuditEventPage> {
  const values: unknown[] = [tenantId, range.from, range.to];
  const where = ['tenant_id = $1', 'occurred_at >= $2', 'occurred_at < $3'];
  for (const [key, column] of Object.entries(FILTER_COLUMNS) as [keyof AuditEventFilters, string][]) {
    const value = filters[key];
    if (value === undefined) continue;
    values.push(value);
    where.push(`${column} = $${values.length}`);
  }
  if (page.after) where.push(afterPosition(values, page.after));
  values.push(page.limit + 1);
  const { rows } = await preparedQuery<EventRow>(
    db,
    `SELECT ${EVENT_COLUMNS} FROM audit.events WHERE ${where.join(' AND ')}
     ORDER BY occurred_at, seq LIMIT $${values.length}`,
    values,
  );
  return pageOf(rows, page.limit);
}

export function pageOf(rows: readonly EventRow[], limit: number): AuditEventPage {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    events: shown.map(recordFromRow),
    next: rows.length > limit && last ? { occurredUs: last.occurred_us, seq: last.seq } : null,
  };
}
