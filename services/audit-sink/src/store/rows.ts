import type { AuditAction, AuditEvent, AuditOutcome, ReviewOutcome } from '@carerelay/events';
import { BinaryCopyWriter } from './copy-in.js';

/** One row of audit.events as node-postgres returns it (bigint as string, timestamptz as Date). */
export interface AuditEventRow {
  readonly tenant_id: string;
  readonly seq: string | number;
  readonly event_id: string;
  readonly occurred_at: Date;
  /**
   * occurred_at as exact epoch milliseconds (`extract(epoch FROM occurred_at) * 1000`), when the
   * query selects it: unlike a JS Date it keeps sub-millisecond digits, so an edit of
   * occurred_at below the millisecond still fails verification.
   */
  readonly occurred_at_ms?: string | number;
  /** The EHR's claimed time (null when it claimed none, and on rows stored before the column). */
  readonly ehr_occurred_at?: Date | null;
  /** ehr_occurred_at as exact epoch milliseconds, when the query selects it. */
  readonly ehr_occurred_at_ms?: string | number | null;
  readonly action: string;
  readonly outcome: string;
  readonly actor_service: string;
  readonly actor_user_id: string | null;
  readonly actor_role: string | null;
  readonly client_id: string | null;
  readonly purpose_of_use: string | null;
  readonly task_id: string | null;
  readonly correlation_id: string | null;
  readonly recipient: string | null;
  readonly description: string | null;
  readonly reason_code: string | null;
  readonly part2: boolean;
  readonly model: string | null;
  readonly template_version: string | null;
  readonly use_case: string | null;
  readonly counts: Readonly<Record<string, number>>;
  readonly hashes: Readonly<Record<string, string>>;
  readonly prev_hash: string;
  readonly hash: string;
  readonly recorded_at?: Date;
}

/** Exact epoch milliseconds of a stored event (see AuditEventRow.occurred_at_ms). */
export function occurredAtMs(row: Pick<AuditEventRow, 'occurred_at' | 'occurred_at_ms'>): number {
  return row.occurred_at_ms === undefined ? row.occurred_at.getTime() : Number(row.occurred_at_ms);
}

/** Exact epoch milliseconds of the EHR's claimed time of a stored event, or null. */
export function ehrOccurredAtMs(
  row: Pick<AuditEventRow, 'ehr_occurred_at' | 'ehr_occurred_at_ms'>,
): number | null {
  if (row.ehr_occurred_at_ms !== undefined && row.ehr_occurred_at_ms !== null)
    return Number(row.ehr_occurred_at_ms);
  return row.ehr_occurred_at ? row.ehr_occurred_at.getTime() : null;
}

/**
 * Rebuilds the AuditEvent exactly as it was received from its columns, so verification
 * recomputes the hash the sink stored; a row edited in SQL then no longer matches.
 */
export function eventFromRow(row: AuditEventRow): AuditEvent {
  return {
    eventId: row.event_id,
    occurredAt: occurredAtMs(row),
    tenantId: row.tenant_id,
    action: row.action as AuditAction,
    outcome: row.outcome as AuditOutcome,
    actor: { service: row.actor_service, userId: row.actor_user_id, role: row.actor_role },
    clientId: row.client_id,
    purposeOfUse: row.purpose_of_use,
    taskId: row.task_id,
    correlationId: row.correlation_id,
    recipient: row.recipient,
    description: row.description,
    reasonCode: row.reason_code,
    part2: row.part2,
    model: row.model,
    templateVersion: row.template_version,
    counts: row.counts,
    hashes: row.hashes,
    useCase: row.use_case,
    ehrOccurredAt: ehrOccurredAtMs(row),
  };
}

/** The columns of audit.events a query selects to rebuild events (occurred_at_ms included). */
export const EVENT_COLUMNS = `tenant_id, seq, event_id, occurred_at,
  extract(epoch FROM occurred_at) * 1000 AS occurred_at_ms, action, outcome, actor_service,
  actor_user_id, actor_role, client_id, purpose_of_use, task_id, correlation_id, recipient,
  description, reason_code, part2, model, template_version, use_case, counts, hashes, prev_hash, hash,
  recorded_at, ehr_occurred_at, extract(epoch FROM ehr_occurred_at) * 1000 AS ehr_occurred_at_ms`;

/** An event with its place in the chain, ready to insert. */
export interface ChainedEvent {
  readonly event: AuditEvent;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

// Events are loaded with binary COPY: about a third faster than INSERT … SELECT FROM unnest(…)
// on this store's seven indexes (measured with bench/audit), and no text parsing of values.
export const COPY_EVENTS = `COPY audit.events (tenant_id, seq, event_id, occurred_at, action, outcome,
    actor_service, actor_user_id, actor_role, client_id, purpose_of_use, task_id, correlation_id,
    recipient, description, reason_code, part2, model, template_version, use_case, counts, hashes,
    prev_hash, hash, ehr_occurred_at) FROM STDIN (FORMAT binary)`;

/** The rows for COPY_EVENTS in PostgreSQL's binary format (no text parsing on the server). */
export function eventCopyData(rows: readonly ChainedEvent[]): Buffer {
  const out = new BinaryCopyWriter(rows.length * 700);
  for (const { event: e, seq, prevHash, hash } of rows) {
    out.tuple(25);
    out.text(e.tenantId);
    out.bigint(seq);
    out.text(e.eventId);
    out.timestamptzFromEpochMs(e.occurredAt);
    out.text(e.action);
    out.text(e.outcome);
    out.text(e.actor.service);
    out.text(e.actor.userId);
    out.text(e.actor.role);
    out.text(e.clientId);
    out.text(e.purposeOfUse);
    out.text(e.taskId);
    out.text(e.correlationId);
    out.text(e.recipient);
    out.text(e.description);
    out.text(e.reasonCode);
    out.boolean(e.part2);
    out.text(e.model);
    out.text(e.templateVersion);
    out.text(e.useCase ?? null);
    out.jsonb(JSON.stringify(e.counts));
    out.jsonb(JSON.stringify(e.hashes));
    out.text(prevHash);
    out.text(hash);
    if (e.ehrOccurredAt === null || e.ehrOccurredAt === undefined) out.null();
    else out.timestamptzFromEpochMs(e.ehrOccurredAt);
  }
  return out.finish();
}

/** Column arrays of review outcomes (sections_changed as JSON: unnest would flatten a text[][]). */
export function reviewColumns(outcomes: readonly ReviewOutcome[]): unknown[] {
  return [
    outcomes.map((o) => o.eventId),
    outcomes.map((o) => o.taskId),
    outcomes.map((o) => o.tenantId),
    outcomes.map((o) => o.clientId),
    outcomes.map((o) => o.useCase),
    outcomes.map((o) => o.documentRef),
    outcomes.map((o) => o.reviewerUserId),
    outcomes.map((o) => o.draftSha256),
    outcomes.map((o) => o.finalSha256),
    outcomes.map((o) => o.normalizedEditDistance),
    outcomes.map((o) => o.sectionsTotal),
    outcomes.map((o) => JSON.stringify(o.sectionsChanged)),
    outcomes.map((o) => o.templateId),
    outcomes.map((o) => o.templateVersion),
    outcomes.map((o) => o.draftCreatedAt),
    outcomes.map((o) => o.signedAt),
  ];
}

export const INSERT_REVIEW_OUTCOMES = `INSERT INTO audit.review_outcomes (event_id, task_id, tenant_id,
    client_id, use_case, document_ref, reviewer_user_id, draft_sha256, final_sha256,
    normalized_edit_distance, sections_total, sections_changed, template_id, template_version,
    draft_created_at, signed_at)
  SELECT event_id, task_id, tenant_id, client_id, use_case, document_ref, reviewer_user_id,
    draft_sha256, final_sha256, normalized_edit_distance, sections_total,
    ARRAY(SELECT jsonb_array_elements_text(sections)), template_id, template_version,
    'epoch'::timestamptz + draft_ms * interval '1 millisecond',
    'epoch'::timestamptz + signed_ms * interval '1 millisecond'
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::float8[], $11::int[], $12::jsonb[], $13::text[], $14::text[],
    $15::bigint[], $16::bigint[])
    AS u(event_id, task_id, tenant_id, client_id, use_case, document_ref, reviewer_user_id,
      draft_sha256, final_sha256, normalized_edit_distance, sections_total, sections, template_id,
      template_version, draft_ms, signed_ms)
  ON CONFLICT (tenant_id, event_id) DO NOTHING`;
