import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChainVerification } from '../store/verify.js';
import type { Officer } from './auth.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { badRequest } from './errors.js';
import { auditCsv } from './export/csv.js';
import { fhirAuditBundle } from './export/fhir.js';
import { searchAuditEvents, type AuditEventFilters, type Queryable } from './queries/audit-events.js';
import { accountingOfDisclosures } from './queries/disclosures.js';
import {
  ACCEPTANCE_MAX_EDIT_DISTANCE,
  llmOpsMetrics,
  type MetricsGrouping,
} from './queries/llmops-metrics.js';
import { recordQuery, type QueryAuditTrail } from './query-audit.js';
import {
  disclosurePageSchema,
  disclosuresQuerySchema,
  errorResponses,
  eventPageSchema,
  exportQuerySchema,
  metricsQuerySchema,
  metricsSchema,
  searchQuerySchema,
  verificationSchema,
  verifyQuerySchema,
} from './schemas.js';
import { daysBefore, resolveTimeRange, yearsBefore, type TimeRange } from './time-range.js';

/** Verifies a tenant's chain over an optional time range: the store's verifyChain, bound to the reader pool. */
export type ChainVerifier = (
  tenantId: string,
  range: { readonly from?: Date; readonly to?: Date },
) => Promise<ChainVerification>;

export interface ComplianceLimits {
  /** Widest time range of a search, export or metrics query. */
  readonly maxRangeDays: number;
  /** Most rows one export answer carries (the rest come with the next cursor). */
  readonly exportMaxRows: number;
}

export interface RouteDeps {
  readonly db: Queryable;
  readonly verifyChain: ChainVerifier;
  readonly trail: QueryAuditTrail;
  readonly limits: ComplianceLimits;
  readonly now: () => Date;
  readonly officerOf: (request: FastifyRequest) => Officer;
}

interface RangeQuery {
  readonly tenantId?: string;
  readonly from?: string;
  readonly to?: string;
}
interface EventQuery extends RangeQuery, AuditEventFilters {
  readonly limit: number;
  readonly cursor?: string;
}
interface ExportQuery extends EventQuery {
  readonly format: 'csv' | 'fhir';
}
interface DisclosuresQuery extends RangeQuery {
  readonly clientId: string;
  readonly limit: number;
  readonly cursor?: string;
}
interface MetricsQuery extends RangeQuery {
  readonly groupBy: MetricsGrouping;
}

/** 45 CFR 164.528(a)(1): an accounting covers up to six years before the request. */
const ACCOUNTING_YEARS = 6;
const ACCOUNTING_MAX_DAYS = 6 * 365 + 2;
/** 42 CFR 2.32: the notice that accompanies a Part 2 disclosure. */
const PART2_NOTICE = '42 CFR part 2 prohibits unauthorized disclosure of these records.';

const filtersOf = (q: EventQuery): AuditEventFilters => ({
  clientId: q.clientId,
  userId: q.userId,
  action: q.action,
  outcome: q.outcome,
  model: q.model,
  templateVersion: q.templateVersion,
});

const rangeDays = (range: TimeRange): number =>
  Math.ceil((range.to.getTime() - range.from.getTime()) / 86_400_000);

export function registerAuditRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const eventRange = (q: RangeQuery): TimeRange =>
    resolveTimeRange(q, { defaultFrom: daysBefore(30), maxDays: deps.limits.maxRangeDays }, deps.now());

  app.get<{ Querystring: EventQuery }>(
    '/v1/audit/events',
    {
      schema: {
        summary: 'Search audit events',
        description:
          'Exact-match filters combined with AND, in the stable order (occurredAt, seq); ' +
          'cursor pagination (limit default 100, at most 1000).',
        querystring: searchQuerySchema(deps.limits.maxRangeDays),
        response: { 200: eventPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const officer = deps.officerOf(request);
      const q = request.query;
      const range = eventRange(q);
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const page = await searchAuditEvents(deps.db, officer.tenantId, filtersOf(q), range, {
        limit: q.limit,
        after,
      });
      await recordQuery(deps.trail, officer, {
        kind: 'AUDIT_EVENT_SEARCH',
        requestId: request.id,
        filters: { ...q, tenantId: undefined },
        counts: { rows: page.events.length, rangeDays: rangeDays(range) },
      });
      return {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        events: page.events,
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },
  );

  app.get<{ Querystring: DisclosuresQuery }>(
    '/v1/audit/disclosures',
    {
      schema: {
        summary: 'Accounting of disclosures for one client',
        description:
          'HIPAA 45 CFR 164.528: date, recipient, description and purpose of each disclosure of the ' +
          "client's PHI (PHI_DISCLOSURE with outcome SUCCESS), oldest first; default range the last six " +
          'years, at most six years. 42 CFR Part 2 disclosures are flagged (part2) and bring the §2.32 notice.',
        querystring: disclosuresQuerySchema,
        response: { 200: disclosurePageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const officer = deps.officerOf(request);
      const q = request.query;
      const range = resolveTimeRange(
        q,
        { defaultFrom: yearsBefore(ACCOUNTING_YEARS), maxDays: ACCOUNTING_MAX_DAYS },
        deps.now(),
      );
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const page = await accountingOfDisclosures(deps.db, officer.tenantId, q.clientId, range, {
        limit: q.limit,
        after,
      });
      await recordQuery(deps.trail, officer, {
        kind: 'ACCOUNTING_OF_DISCLOSURES',
        requestId: request.id,
        filters: { ...q, tenantId: undefined },
        counts: { rows: page.disclosures.length, rangeDays: rangeDays(range) },
      });
      return {
        clientId: q.clientId,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        disclosures: page.disclosures,
        part2Notice: page.disclosures.some((d) => d.part2) ? PART2_NOTICE : null,
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },
  );

  app.get<{ Querystring: RangeQuery }>(
    '/v1/audit/verify',
    {
      schema: {
        summary: "Verify the tenant's hash chain",
        description:
          'Recomputes every hash and link in the range and names the first broken link ' +
          '(HASH_MISMATCH, LINK_MISMATCH, SEQ_GAP; HEAD_MISMATCH when the whole chain is checked). ' +
          'Once retention has dropped the oldest months, the chain (or a range reaching back to its ' +
          'retained beginning) is checked from the retention checkpoint named in anchoredAt.',
        querystring: verifyQuerySchema,
        response: { 200: verificationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const officer = deps.officerOf(request);
      const q = request.query;
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      if (from && to && from.getTime() >= to.getTime())
        throw badRequest('INVALID_RANGE', 'from must be earlier than to');
      const result = await deps.verifyChain(officer.tenantId, { from, to });
      await recordQuery(deps.trail, officer, {
        kind: 'AUDIT_CHAIN_VERIFY',
        requestId: request.id,
        filters: { from: q.from, to: q.to },
        counts: { checked: result.checked, ok: result.ok ? 1 : 0 },
      });
      return {
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        ok: result.ok,
        checked: result.checked,
        firstBroken: result.firstBroken ?? null,
        anchoredAt: result.anchoredAt ?? null,
      };
    },
  );

  app.get<{ Querystring: ExportQuery }>(
    '/v1/audit/export',
    {
      schema: {
        summary: 'Export audit events as CSV or a FHIR R4 Bundle',
        description:
          `Same filters as the search; at most ${deps.limits.exportMaxRows} rows per answer, the rest ` +
          'through the next cursor (header x-next-cursor; Bundle link "next"). CSV is RFC 4180 with cells ' +
          "that start with = + - @ prefixed by ' (formula injection); FHIR is a searchset Bundle of AuditEvent.",
        querystring: exportQuerySchema(deps.limits.exportMaxRows),
        response: {
          200: {
            description: 'The export',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/fhir+json': { schema: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const officer = deps.officerOf(request);
      const q = request.query;
      const range = eventRange(q);
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const page = await searchAuditEvents(deps.db, officer.tenantId, filtersOf(q), range, {
        limit: q.limit,
        after,
      });
      await recordQuery(deps.trail, officer, {
        kind: q.format === 'csv' ? 'AUDIT_EXPORT_CSV' : 'AUDIT_EXPORT_FHIR',
        requestId: request.id,
        filters: { ...q, tenantId: undefined },
        counts: { rows: page.events.length, rangeDays: rangeDays(range) },
      });
      const next = page.next ? encodeCursor(page.next) : undefined;
      if (next) reply.header('x-next-cursor', next);
      if (q.format === 'csv') {
        const name = `audit-${officer.tenantId.replace(/[^A-Za-z0-9._-]/g, '_')}-${range.from.toISOString().slice(0, 10)}.csv`;
        return reply
          .type('text/csv; charset=utf-8; header=present')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(auditCsv(page.events));
      }
      const link = (cursor?: string): string => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries({ ...q, cursor })) if (v !== undefined) params.set(k, String(v));
        return `/v1/audit/export?${params.toString()}`;
      };
      const bundle = fhirAuditBundle(
        page.events,
        { self: link(q.cursor), ...(next ? { next: link(next) } : {}) },
        deps.now(),
      );
      return reply.type('application/fhir+json; charset=utf-8').send(JSON.stringify(bundle));
    },
  );

  app.get<{ Querystring: MetricsQuery }>(
    '/v1/metrics/llmops',
    {
      schema: {
        summary: 'LLMOps metrics by day or by template version',
        description:
          'Drafts written per use case (DRAFT_WRITTEN SUCCESS, once per task); reviews from review.outcome.v1: ' +
          `a draft is accepted when its normalized edit distance is <= ${ACCEPTANCE_MAX_EDIT_DISTANCE}, ` +
          'acceptanceRate = accepted / reviews, with the mean normalized edit distance; LLM_CALL count, ' +
          'latency mean and p95 (ms, percentile_cont) and prompt/completion tokens; leak blocks (LEAK_BLOCKED); ' +
          'policy denials (POLICY_DECISION and CONSENT_CHECK with outcome DENIED). Days are UTC; reviews are ' +
          'counted on the day they were signed.',
        querystring: metricsQuerySchema,
        response: { 200: metricsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const officer = deps.officerOf(request);
      const q = request.query;
      const range = eventRange(q);
      const groups = await llmOpsMetrics(deps.db, officer.tenantId, range, q.groupBy);
      await recordQuery(deps.trail, officer, {
        kind: 'LLMOPS_METRICS',
        requestId: request.id,
        filters: { from: q.from, to: q.to, groupBy: q.groupBy },
        counts: { groups: groups.length, rangeDays: rangeDays(range) },
      });
      return {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        groupBy: q.groupBy,
        acceptanceMaxEditDistance: ACCEPTANCE_MAX_EDIT_DISTANCE,
        groups,
      };
    },
  );
}
