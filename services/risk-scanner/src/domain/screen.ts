import {
  analyzeOrderedSeries,
  cssrsLevel,
  cssrsQuestionOf,
  PHQ9_ITEM9,
  scanRisk,
  type CssrsQuestion,
  type RiskLevel,
} from '@carerelay/clinical';
import type { DeidentifiedContext, RiskSeverity, RiskTrigger } from '@carerelay/events';

/**
 * What the rules find in one de-identified request (DOMAIN.md, "Low-noise alerting"): validated
 * instrument triggers on the administration the task is about, risk language in the text that
 * is new with the task, and a stagnating PHQ-9/GAD-7 series. Pure: no I/O, no identifiers.
 */
export interface RiskFinding {
  readonly trigger: RiskTrigger;
  readonly severity: RiskSeverity;
  /** Only validated triggers and explicit plan/intent (or an act in progress) interrupt. */
  readonly interrupting: boolean;
  readonly evidence: readonly Evidence[];
  /** What one alert is about inside its window: the trigger, and the instrument for a series. */
  readonly scope: string;
  /** Which deduplication window applies. */
  readonly window: 'risk' | 'plan_review';
}

export interface Evidence {
  readonly field: string;
  readonly start: number;
  readonly end: number;
  readonly excerpt: string;
}

export const SEVERITY_RANK: Readonly<Record<RiskSeverity, number>> = {
  LOW: 1,
  MODERATE: 2,
  HIGH: 3,
  IMMINENT: 4,
};

/** The version of the rule set, on every alert and its Provenance. */
export const RULE_VERSION = 'carerelay-risk-rules@1';

export interface ScreenOptions {
  /** Scores without reliable change that make stagnation (analyzeSeries' default when absent). */
  readonly stagnationSessions?: number;
}

/** Every finding of one request, at most one per trigger (and per instrument for a series). */
export function screenContext(context: DeidentifiedContext, options: ScreenOptions = {}): RiskFinding[] {
  return [...instrumentFindings(context), ...textFindings(context), ...stagnationFindings(context, options)];
}

/**
 * PHQ-9 item 9 > 0 (same-day follow-up whatever the total) and the C-SSRS screen's level, on the
 * administration whose arrival planned the task: older scores were screened when they arrived.
 */
function instrumentFindings(context: DeidentifiedContext): RiskFinding[] {
  const out: RiskFinding[] = [];
  context.assessments.forEach((a, index) => {
    if (!a.subject) return;
    const field = `assessments[${index}].items`;
    if (a.instrument === 'PHQ-9') {
      const item9 = a.items[PHQ9_ITEM9] ?? a.items['9'];
      if (item9 !== undefined && item9 > 0) {
        out.push({
          trigger: 'PHQ9_ITEM9',
          // "Several days" is a same-day follow-up; "more than half the days" or more is high.
          severity: item9 >= 2 ? 'HIGH' : 'MODERATE',
          interrupting: true,
          evidence: [
            { field, start: 0, end: 0, excerpt: `PHQ-9 item 9 = ${item9} (of 3), administered ${a.date}` },
          ],
          scope: 'PHQ9_ITEM9',
          window: 'risk',
        });
      }
    }
    if (a.instrument === 'C-SSRS') {
      const answers: Partial<Record<CssrsQuestion, boolean>> = {};
      for (const [code, value] of Object.entries(a.items)) {
        const question = cssrsQuestionOf(code);
        if (question) answers[question] = value === 1;
      }
      const level = cssrsLevel(answers);
      if (level === 'NONE') return;
      const yes = Object.entries(answers)
        .filter(([, v]) => v)
        .map(([q]) => q)
        .join(', ');
      const trigger: RiskTrigger =
        level === 'HIGH' ? 'CSSRS_HIGH' : level === 'MODERATE' ? 'CSSRS_MODERATE' : 'CSSRS_LOW';
      out.push({
        trigger,
        severity: level,
        interrupting: level === 'HIGH',
        evidence: [{ field, start: 0, end: 0, excerpt: `C-SSRS screen ${level}: yes to ${yes} (${a.date})` }],
        scope: 'CSSRS',
        window: 'risk',
      });
    }
  });
  return out;
}

/** Text that arrived with the task: the session's notes, the newest message, the intake answers. */
function newText(context: DeidentifiedContext): Array<{ field: string; text: string }> {
  const texts: Array<{ field: string; text: string }> = [];
  if (context.sessionNotes) texts.push({ field: 'sessionNotes', text: context.sessionNotes });
  // Messages are newest first: the one the task is about. Older ones were screened on arrival.
  const newest = context.messages[0];
  if (newest) texts.push({ field: 'messages[0].text', text: newest.text });
  context.intakeAnswers.forEach((a, i) =>
    texts.push({ field: `intakeAnswers[${i}].answer`, text: a.answer }),
  );
  return texts;
}

const LEVEL_SEVERITY: Readonly<Record<Exclude<RiskLevel, 'NONE'>, RiskSeverity>> = {
  LOW: 'LOW',
  MODERATE: 'MODERATE',
  HIGH: 'HIGH',
  IMMINENT: 'IMMINENT',
};

/**
 * Risk language (scanRisk: lexicon and ConText-style scopes). Explicit plan or intent, or an act
 * in progress (IMMINENT), interrupts as INTENT_OR_PLAN_LANGUAGE; anything else is a
 * non-interrupting TEXT_SIGNAL flag with its evidence. Signed prior notes are history, not read.
 */
function textFindings(context: DeidentifiedContext): RiskFinding[] {
  const urgent: Evidence[] = [];
  const flags: Evidence[] = [];
  let urgentLevel: RiskSeverity | undefined;
  let flagLevel: RiskSeverity | undefined;
  const max = (a: RiskSeverity | undefined, b: RiskSeverity): RiskSeverity =>
    a === undefined || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
  for (const { field, text } of newText(context)) {
    const scan = scanRisk(text);
    if (scan.level === 'NONE') continue;
    const severity = LEVEL_SEVERITY[scan.level];
    const evidence = scan.signals.map((s) => ({
      field,
      start: s.start,
      end: s.end,
      excerpt: excerptAround(text, s.start, s.end),
    }));
    const explicit =
      scan.level === 'IMMINENT' ||
      ((scan.level === 'HIGH' || scan.level === 'MODERATE') &&
        scan.signals.some((s) => s.kind === 'plan' || s.kind === 'intent'));
    if (explicit) {
      urgent.push(...evidence);
      urgentLevel = max(urgentLevel, severity);
    } else {
      flags.push(...evidence);
      flagLevel = max(flagLevel, severity);
    }
  }
  const out: RiskFinding[] = [];
  if (urgentLevel) {
    out.push({
      trigger: 'INTENT_OR_PLAN_LANGUAGE',
      severity: urgentLevel,
      interrupting: true,
      evidence: urgent,
      scope: 'INTENT_OR_PLAN_LANGUAGE',
      window: 'risk',
    });
  }
  if (flagLevel) {
    out.push({
      trigger: 'TEXT_SIGNAL',
      severity: flagLevel,
      interrupting: false,
      evidence: flags,
      scope: 'TEXT_SIGNAL',
      window: 'risk',
    });
  }
  return out;
}

/** The sentence-sized excerpt around a signal (de-identified text: tokens, never identifiers). */
function excerptAround(text: string, start: number, end: number): string {
  const from = Math.max(0, text.lastIndexOf('\n', start) + 1, start - 120);
  const toBreak = text.indexOf('\n', end);
  const to = Math.min(toBreak === -1 ? text.length : toBreak, end + 120);
  return text.slice(from, to).trim();
}

/**
 * A PHQ-9 or GAD-7 series without reliable change over the last N administrations, the newest
 * of which arrived with the task: a plan-review flag, never interrupting. The context is newest
 * first and its dates may be tokens, so the order comes from the context, not from the dates.
 * Two scores of one day (a form and its total Observation) are one administration already.
 */
function stagnationFindings(context: DeidentifiedContext, options: ScreenOptions): RiskFinding[] {
  const subjects = context.assessments.filter((a) => a.subject);
  if (subjects.length === 0) return [];
  const out: RiskFinding[] = [];
  for (const instrument of ['PHQ-9', 'GAD-7'] as const) {
    const series = context.assessments
      .map((a, index) => ({ a, index }))
      .filter(({ a }) => a.instrument === instrument && a.total !== null);
    if (series[0] === undefined || !series[0].a.subject) continue;
    // Oldest first, in the record's order: the dates may be tokens, read only as labels.
    const oldestFirst = [...series].reverse();
    const analysis = analyzeOrderedSeries(
      instrument,
      oldestFirst.map(({ a }) => ({ date: a.date, total: a.total ?? 0 })),
      options.stagnationSessions ? { stagnationSessions: options.stagnationSessions } : {},
    );
    if (!analysis.stagnation.met) continue;
    const run = oldestFirst.slice(oldestFirst.length - analysis.stagnation.sessions);
    out.push({
      trigger: 'OUTCOME_STAGNATION',
      severity: 'LOW',
      interrupting: false,
      evidence: [
        {
          field: `assessments[${series[0].index}].total`,
          start: 0,
          end: 0,
          excerpt:
            `${instrument} ${run.map(({ a }) => `${a.total ?? '?'} (${a.date})`).join(', ')}: ` +
            `${analysis.stagnation.sessions} administrations without reliable change; ` +
            `baseline ${analysis.baseline.total}, latest ${analysis.latest.total}`,
        },
      ],
      scope: `OUTCOME_STAGNATION:${instrument}`,
      window: 'plan_review',
    });
  }
  return out;
}
