import type { TimeRange } from '../time-range.js';
import { preparedQuery, type Queryable } from './audit-events.js';

/**
 * A draft counts as accepted when the clinician's signed text is within this normalized
 * edit distance of the draft (Levenshtein / max length): light edits, no rewrite.
 */
export const ACCEPTANCE_MAX_EDIT_DISTANCE = 0.2;

export type MetricsGrouping = 'day' | 'templateVersion';

/** LLMOps figures of one day (UTC, YYYY-MM-DD) or one prompt template version (id@version). */
export interface LlmOpsGroup {
  /** The day or template version; null gathers events that name no template version. */
  readonly key: string | null;
  /** Drafts written to the EHR (DRAFT_WRITTEN SUCCESS), counted once per task. */
  readonly drafts: { readonly total: number; readonly byUseCase: Readonly<Record<string, number>> };
  /** review.outcome.v1: how clinicians changed the drafts they signed. */
  readonly reviews: {
    readonly count: number;
    readonly accepted: number;
    readonly acceptanceRate: number | null;
    readonly meanNormalizedEditDistance: number | null;
  };
  readonly llmCalls: {
    readonly count: number;
    readonly failed: number;
    readonly latencyMsMean: number | null;
    readonly latencyMsP95: number | null;
    readonly promptTokens: number;
    readonly completionTokens: number;
  };
  /** Outbound PHI scans that stopped a model call (LEAK_BLOCKED). */
  readonly leakBlocks: number;
  /** POLICY_DECISION and CONSENT_CHECK events with outcome DENIED. */
  readonly policyDenials: number;
}

const EVENT_KEY: Record<MetricsGrouping, string> = {
  day: `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  templateVersion: 'template_version',
};
// Review outcomes carry id and version apart; audit events carry "id@version" (llm-worker, writeback).
const REVIEW_KEY: Record<MetricsGrouping, string> = {
  day: `to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  templateVersion: `CASE WHEN template_id IS NULL THEN template_version
    WHEN template_version IS NULL THEN template_id ELSE template_id || '@' || template_version END`,
};

interface EventAggregateRow {
  readonly key: string | null;
  readonly llm_calls: number;
  readonly llm_failed: number;
  readonly latency_mean: number | null;
  readonly latency_p95: number | null;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly leak_blocks: number;
  readonly policy_denials: number;
}

interface DraftRow {
  readonly key: string | null;
  readonly use_case: string;
  readonly drafts: number;
}

interface ReviewRow {
  readonly key: string | null;
  readonly reviews: number;
  readonly accepted: number;
  readonly mean_ned: number | null;
}

function emptyGroup(key: string | null): LlmOpsGroup {
  return {
    key,
    drafts: { total: 0, byUseCase: {} },
    reviews: { count: 0, accepted: 0, acceptanceRate: null, meanNormalizedEditDistance: null },
    llmCalls: {
      count: 0,
      failed: 0,
      latencyMsMean: null,
      latencyMsP95: null,
      promptTokens: 0,
      completionTokens: 0,
    },
    leakBlocks: 0,
    policyDenials: 0,
  };
}

/**
 * LLMOps metrics of one tenant over [from, to), grouped by UTC day or by template version
 * (to see drift between versions). Three aggregate queries, merged by group key.
 */
export async function llmOpsMetrics(
  db: Queryable,
  tenantId: string,
  range: TimeRange,
  groupBy: MetricsGrouping,
): Promise<LlmOpsGroup[]> {
  const values = [tenantId, range.from, range.to];
  const eventKey = EVENT_KEY[groupBy];
  const [events, drafts, reviews] = await Promise.all([
    preparedQuery<EventAggregateRow>(
      db,
      `SELECT ${eventKey} AS key,
         count(*) FILTER (WHERE action = 'LLM_CALL')::int AS llm_calls,
         count(*) FILTER (WHERE action = 'LLM_CALL' AND outcome <> 'SUCCESS')::int AS llm_failed,
         avg((counts->>'latencyMs')::float8) FILTER (WHERE action = 'LLM_CALL') AS latency_mean,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY (counts->>'latencyMs')::float8)
           FILTER (WHERE action = 'LLM_CALL') AS latency_p95,
         coalesce(sum((counts->>'promptTokens')::float8) FILTER (WHERE action = 'LLM_CALL'), 0) AS prompt_tokens,
         coalesce(sum((counts->>'completionTokens')::float8) FILTER (WHERE action = 'LLM_CALL'), 0)
           AS completion_tokens,
         count(*) FILTER (WHERE action = 'LEAK_BLOCKED')::int AS leak_blocks,
         count(*) FILTER (WHERE action IN ('POLICY_DECISION', 'CONSENT_CHECK') AND outcome = 'DENIED')::int
           AS policy_denials
       FROM audit.events
       WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3
         AND action IN ('LLM_CALL', 'LEAK_BLOCKED', 'POLICY_DECISION', 'CONSENT_CHECK')
       GROUP BY 1`,
      values,
    ),
    // A redelivered draft is audited again (ALREADY_EXISTS): count tasks, not events.
    preparedQuery<DraftRow>(
      db,
      `SELECT ${eventKey} AS key, coalesce(use_case, 'unspecified') AS use_case,
         count(DISTINCT coalesce(task_id, event_id))::int AS drafts
       FROM audit.events
       WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3
         AND action = 'DRAFT_WRITTEN' AND outcome = 'SUCCESS'
       GROUP BY 1, 2`,
      values,
    ),
    preparedQuery<ReviewRow>(
      db,
      `SELECT ${REVIEW_KEY[groupBy]} AS key, count(*)::int AS reviews,
         count(*) FILTER (WHERE normalized_edit_distance <= $4)::int AS accepted,
         avg(normalized_edit_distance)::float8 AS mean_ned
       FROM audit.review_outcomes
       WHERE tenant_id = $1 AND signed_at >= $2 AND signed_at < $3
       GROUP BY 1`,
      [...values, ACCEPTANCE_MAX_EDIT_DISTANCE],
    ),
  ]);

  const groups = new Map<string | null, LlmOpsGroup>();
  const group = (key: string | null): LlmOpsGroup => {
    let found = groups.get(key);
    if (!found) {
      found = emptyGroup(key);
      groups.set(key, found);
    }
    return found;
  };
  for (const row of events.rows) {
    groups.set(row.key, {
      ...group(row.key),
      llmCalls: {
        count: row.llm_calls,
        failed: row.llm_failed,
        latencyMsMean: row.latency_mean,
        latencyMsP95: row.latency_p95,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
      },
      leakBlocks: row.leak_blocks,
      policyDenials: row.policy_denials,
    });
  }
  for (const row of drafts.rows) {
    const current = group(row.key);
    groups.set(row.key, {
      ...current,
      drafts: {
        total: current.drafts.total + row.drafts,
        byUseCase: { ...current.drafts.byUseCase, [row.use_case]: row.drafts },
      },
    });
  }
  for (const row of reviews.rows) {
    groups.set(row.key, {
      ...group(row.key),
      reviews: {
        count: row.reviews,
        accepted: row.accepted,
        acceptanceRate: row.reviews > 0 ? row.accepted / row.reviews : null,
        meanNormalizedEditDistance: row.mean_ned,
      },
    });
  }
  // Days ascending; template versions by name, "none recorded" last.
  return [...groups.values()].sort((a, b) =>
    a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1,
  );
}
