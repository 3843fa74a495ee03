import { CareRelayError } from '@carerelay/errors';
import type { InstrumentScore } from './score.js';

/**
 * Outcome findings over a client's series of PHQ-9 / GAD-7 scores (measurement-based care).
 *
 * Definitions (DOMAIN.md "Instruments"; issue #14):
 *  - response: a ≥ 50% drop from baseline (the first score) — the usual PHQ-9 response criterion
 *    (Kroenke, Spitzer & Williams 2001; McMillan et al. 2010), applied to GAD-7 alike;
 *  - remission: PHQ-9 < 5, GAD-7 < 5 (the "minimal" band);
 *  - reliable change: a change of at least the reliable change index — 6 points on PHQ-9 and 4 on
 *    GAD-7, the thresholds NHS Talking Therapies (IAPT) uses; the PHQ-9 RCI is commonly cited as
 *    ≈ 5–6 points (Löwe et al. 2004; McMillan et al. 2010);
 *  - stagnation: no reliable change over the last N scores (default 4), for plan review.
 *
 * Response and remission describe where the client is now: met when the latest score meets the
 * criterion, with `date` = the first score of the unbroken run of scores meeting it up to the
 * latest. Both need a follow-up score: a single score is never a response or a remission.
 *
 * Stagnation: the run of scores, going back from the latest, that each differ from the latest by
 * less than the reliable change index; met when that run holds at least N scores and the latest
 * score is not in remission (a stable client in remission needs no plan review). `since` is the
 * run's first date, `sessions` its length.
 *
 * PHQ-2 is a screener, not a measure of change, and C-SSRS has no total: neither gets a series.
 */
export type SeriesInstrument = 'PHQ-9' | 'GAD-7';

export interface SeriesPoint {
  readonly date: string;
  readonly total: number;
}

export interface SeriesAnalysis {
  readonly instrument: SeriesInstrument;
  readonly baseline: SeriesPoint;
  readonly latest: SeriesPoint;
  /** latest − baseline: negative is improvement. */
  readonly changeFromBaseline: number;
  /** changeFromBaseline / baseline in percent, one decimal; null when the baseline is 0. */
  readonly percentChange: number | null;
  readonly response: { readonly met: boolean; readonly date?: string };
  readonly remission: { readonly met: boolean; readonly date?: string };
  readonly stagnation: { readonly met: boolean; readonly since?: string; readonly sessions: number };
  /** Sorted by date, one per calendar day. */
  readonly points: readonly SeriesPoint[];
}

export interface SeriesOptions {
  /** How many scores without reliable change make stagnation (default 4). */
  readonly stagnationSessions?: number;
  /** Reliable change index: one number for every instrument, or per instrument. */
  readonly reliableChange?: number | Partial<Record<SeriesInstrument, number>>;
}

export const DEFAULT_RELIABLE_CHANGE: Readonly<Record<SeriesInstrument, number>> = { 'PHQ-9': 6, 'GAD-7': 4 };
export const DEFAULT_STAGNATION_SESSIONS = 4;
/** Remission: a total below this (the "minimal" band). */
export const REMISSION_BELOW: Readonly<Record<SeriesInstrument, number>> = { 'PHQ-9': 5, 'GAD-7': 5 };
export const SERIES_INSTRUMENTS: readonly SeriesInstrument[] = ['PHQ-9', 'GAD-7'];

/** One analysis per instrument present (PHQ-9 first); scores without a total are left out. */
export function analyzeSeries(
  scores: readonly InstrumentScore[],
  options: SeriesOptions = {},
): SeriesAnalysis[] {
  const out: SeriesAnalysis[] = [];
  for (const instrument of SERIES_INSTRUMENTS) {
    const points = dedupeByDay(scores.filter((s) => s.instrument === instrument && s.total !== null));
    if (points.length === 0) continue;
    out.push(analyzeOrderedSeries(instrument, points, options));
  }
  return out;
}

/**
 * The same findings over points already in time order, oldest first, one per day, whose dates
 * are labels the analysis never reads: a de-identified context carries date tokens ([DATE_3])
 * that cannot be parsed or sorted, only kept in the order the record gave them.
 */
export function analyzeOrderedSeries(
  instrument: SeriesInstrument,
  points: readonly SeriesPoint[],
  options: SeriesOptions = {},
): SeriesAnalysis {
  if (points.length === 0) {
    throw new CareRelayError('INSTRUMENT_SERIES_EMPTY', `A ${instrument} series needs at least one score`, {
      retryable: false,
    });
  }
  return analyze(
    instrument,
    [...points],
    reliableChangeOf(instrument, options),
    stagnationSessionsOf(options),
  );
}

/** The reliable change index the options give for `instrument` (default: DEFAULT_RELIABLE_CHANGE). */
export function reliableChangeOf(instrument: SeriesInstrument, options: SeriesOptions = {}): number {
  return typeof options.reliableChange === 'number'
    ? options.reliableChange
    : (options.reliableChange?.[instrument] ?? DEFAULT_RELIABLE_CHANGE[instrument]);
}

export function stagnationSessionsOf(options: SeriesOptions = {}): number {
  return options.stagnationSessions ?? DEFAULT_STAGNATION_SESSIONS;
}

/**
 * Sorted by date with one score per calendar day. Of a day's scores the one recorded latest
 * (greatest timestamp) wins; on equal timestamps a recorded total beats a computed one, then the
 * higher total (the cautious reading) — so the result never depends on input order.
 */
function dedupeByDay(scores: readonly InstrumentScore[]): SeriesPoint[] {
  const rank = (s: InstrumentScore): [number, number, number] => [
    Date.parse(s.date),
    s.totalSource === 'recorded' ? 1 : 0,
    s.total ?? 0,
  ];
  const better = (a: InstrumentScore, b: InstrumentScore): boolean => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! > rb[i]!;
    return false;
  };
  const byDay = new Map<string, InstrumentScore>();
  for (const score of scores) {
    const day = score.date.slice(0, 10);
    const kept = byDay.get(day);
    if (kept === undefined || better(score, kept)) byDay.set(day, score);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => ({ date: s.date, total: s.total! }));
}

function analyze(
  instrument: SeriesInstrument,
  points: SeriesPoint[],
  rci: number,
  n: number,
): SeriesAnalysis {
  const baseline = points[0]!;
  const latest = points[points.length - 1]!;
  const change = latest.total - baseline.total;
  const followUps = points.slice(1);
  const responded = (p: SeriesPoint): boolean => baseline.total > 0 && p.total <= baseline.total / 2;
  const remitted = (p: SeriesPoint): boolean => p.total < REMISSION_BELOW[instrument];
  const remission = currentRun(followUps, remitted);
  let run = 1;
  while (run < points.length && Math.abs(points[points.length - 1 - run]!.total - latest.total) < rci) run++;
  const stagnant = run >= n && !remission.met;
  return {
    instrument,
    baseline,
    latest,
    changeFromBaseline: change,
    percentChange: baseline.total === 0 ? null : Math.round((change / baseline.total) * 1000) / 10,
    response: currentRun(followUps, responded),
    remission,
    stagnation: stagnant
      ? { met: true, since: points[points.length - run]!.date, sessions: run }
      : { met: false, sessions: run },
    points,
  };
}

/** Whether the last point meets `test`, and the first date of the run of points meeting it. */
function currentRun(
  points: readonly SeriesPoint[],
  test: (p: SeriesPoint) => boolean,
): { met: boolean; date?: string } {
  let i = points.length;
  while (i > 0 && test(points[i - 1]!)) i--;
  return i === points.length ? { met: false } : { met: true, date: points[i]!.date };
}
