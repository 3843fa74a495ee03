import { createHash } from 'node:crypto';
import type { AuditTrail, AuthFailure } from '@carerelay/audit';
import { COMPLIANCE_OFFICER_ROLE, type Officer } from './auth.js';
import { unavailable } from './errors.js';

/** What the API needs of the audit trail: compliance queries are themselves audited. */
export type QueryAuditTrail = Pick<AuditTrail, 'record'>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Filters that hold an identifier are hashed one by one, so "who looked up client X" can be answered. */
const IDENTIFYING = new Set(['clientId', 'userId']);

export interface QueryRecord {
  /** Stable code of the kind of query (AUDIT_EVENT_SEARCH, ACCOUNTING_OF_DISCLOSURES...). */
  readonly kind: string;
  readonly requestId: string;
  /** The validated filters; only their names and hashes reach the trail. */
  readonly filters: Readonly<Record<string, unknown>>;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Records a successful compliance query as a QUERY event in the officer's tenant. Filter
 * values never travel as text: the description names the filters, the hashes carry them.
 * If the trail cannot take the record the answer is withheld (503): an unaudited read of
 * the audit trail is what 45 CFR 164.312(b) forbids.
 */
export async function recordQuery(
  trail: QueryAuditTrail,
  officer: Officer,
  query: QueryRecord,
): Promise<void> {
  const given = Object.entries(query.filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const hashes: Record<string, string> = { filters: sha256(JSON.stringify(given)) };
  for (const [name, value] of given) if (IDENTIFYING.has(name)) hashes[name] = sha256(String(value));
  try {
    await trail.record({
      tenantId: officer.tenantId,
      action: 'QUERY',
      outcome: 'SUCCESS',
      userId: officer.userId,
      role: COMPLIANCE_OFFICER_ROLE,
      correlationId: query.requestId,
      description: `${query.kind}; filters: ${given.map(([name]) => name).join(', ') || 'none'}`,
      counts: query.counts,
      hashes,
    });
  } catch (cause) {
    throw unavailable(
      'AUDIT_TRAIL_UNAVAILABLE',
      'the query could not be audited, so it is not answered; retry later',
      cause,
    );
  }
}

export interface AuthFailureRecord {
  readonly code: string;
  readonly requestId: string;
  /** The peer address the request came from. */
  readonly source: string;
  /** Method and route template (never the raw URL: its query holds filter values). */
  readonly route: string;
  readonly principal?: { readonly userId: string; readonly tenantId: string | null };
}

/**
 * A refused request as an authentication failure to aggregate (one AUTH_FAILURE per source,
 * reason and minute). An unverified token names no tenant we may trust, so its failures go
 * to the `unknown` tenant's trail; a verified one (wrong role, wrong tenant) goes to the
 * token's tenant, naming the user. The token itself is never kept.
 */
export function authFailureOf(failure: AuthFailureRecord): AuthFailure {
  return {
    tenantId: failure.principal?.tenantId ?? 'unknown',
    source: failure.source,
    reasonCode: failure.code,
    route: failure.route,
    userId: failure.principal?.userId ?? null,
  };
}
