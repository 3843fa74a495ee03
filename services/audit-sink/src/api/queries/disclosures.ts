import type { EventPosition } from '../cursor.js';
import type { TimeRange } from '../time-range.js';
import { afterPosition, preparedQuery, type Queryable } from './audit-events.js';

/**
 * One entry of an accounting of disclosures: HIPAA 45 CFR 164.528(b)(2) asks for the date,
 * the recipient, a brief description of what was disclosed and a brief statement of the
 * purpose; 42 CFR Part 2 §2.25 asks the same of Part 2 disclosures, which are flagged.
 */
export interface Disclosure {
  readonly date: string;
  readonly recipient: string | null;
  readonly description: string | null;
  readonly purposeOfUse: string | null;
  readonly part2: boolean;
  /** The CareRelay service that made the disclosure. */
  readonly disclosedBy: string;
  readonly eventId: string;
  readonly taskId: string | null;
  readonly seq: number;
}

export interface DisclosurePage {
  readonly disclosures: readonly Disclosure[];
  readonly next: EventPosition | null;
}

interface DisclosureRow {
  readonly seq: string;
  readonly occurred_us: string;
  readonly occurred_at: Date;
  readonly event_id: string;
  readonly recipient: string | null;
  readonly description: string | null;
  readonly purpose_of_use: string | null;
  readonly part2: boolean;
  readonly actor_service: string;
  readonly task_id: string | null;
}

/**
 * The disclosures of one client's PHI in [from, to), oldest first, one page at a time.
 * Only disclosures that happened (outcome SUCCESS) are listed: a refused or failed attempt
 * disclosed nothing. Served by the partial index on PHI_DISCLOSURE rows.
 */
export async function accountingOfDisclosures(
  db: Queryable,
  tenantId: string,
  clientId: string,
  range: TimeRange,
  page: { readonly limit: number; readonly after?: EventPosition },
): Promise<DisclosurePage> {
  const values: unknown[] = [tenantId, clientId, range.from, range.to];
  const where = [
    'tenant_id = $1',
    'client_id = $2',
    "action = 'PHI_DISCLOSURE'",
    "outcome = 'SUCCESS'",
    'occurred_at >= $3',
    'occurred_at < $4',
  ];
  if (page.after) where.push(afterPosition(values, page.after));
  values.push(page.limit + 1);
  const { rows } = await preparedQuery<DisclosureRow>(
    db,
    `SELECT seq, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us, occurred_at,
       event_id, recipient, description, purpose_of_use, part2, actor_service, task_id
     FROM audit.events WHERE ${where.join(' AND ')}
     ORDER BY occurred_at, seq LIMIT $${values.length}`,
    values,
  );
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    disclosures: shown.map((row) => ({
      date: row.occurred_at.toISOString(),
      recipient: row.recipient,
      description: row.description,
      purposeOfUse: row.purpose_of_use,
      part2: row.part2,
      disclosedBy: row.actor_service,
      eventId: row.event_id,
      taskId: row.task_id,
      seq: Number(row.seq),
    })),
    next: rows.length > page.limit && last ? { occurredUs: last.occurred_us, seq: last.seq } : null,
  };
}
