import { GAD7, PHQ9, maxTotal, severityOf, type SummedInstrument } from './definitions.js';
import {
  REMISSION_BELOW,
  SERIES_INSTRUMENTS,
  analyzeOrderedSeries,
  reliableChangeOf,
  stagnationSessionsOf,
  type SeriesAnalysis,
  type SeriesInstrument,
  type SeriesOptions,
  type SeriesPoint,
} from './series.js';

/**
 * Measurement-based care findings from the scores a task context carries, worded by rules.
 *
 * The scores come as the de-identified context holds them (DeidentifiedAssessment): the date is a
 * token such as [DATE_3] or a shifted ISO date, and the list is the adapter's window read, newest
 * first. A token cannot be parsed or sorted, so the order of the list is the time order; ISO dates
 * are sorted (the list order breaks ties). The sentences carry the dates exactly as given, so the
 * model reads tokens and writeback re-identifies them inside the trust boundary.
 *
 * Response, remission and stagnation are series.ts's definitions (DOMAIN.md "Instruments";
 * issue #14): response ≥ 50% drop from baseline, remission below 5, stagnation no reliable change
 * (6 points PHQ-9, 4 GAD-7) over the last 4 or more scores.
 */

/** A score as DeidentifiedAssessment carries it (the fields this reads). */
export interface ContextScore {
  readonly instrument: string;
  /** LOINC of the total: identifies the instrument before its name does. */
  readonly loinc: string | null;
  readonly date: string;
  readonly total: number | null;
}

/** One instrument's series with its findings: what the model is told and the draft states. */
export interface MeasureSeries {
  readonly instrument: SeriesInstrument;
  /** Oldest first, one per date; dates as given (tokens or shifted dates). */
  readonly points: readonly SeriesPoint[];
  /** The findings, one sentence each, worded by rules; dates as given. */
  readonly findings: readonly string[];
  /** null when no score of the instrument could be used (all out of range or without a total). */
  readonly analysis: SeriesAnalysis | null;
}

const DEFINITION: Readonly<Record<SeriesInstrument, SummedInstrument>> = { 'PHQ-9': PHQ9, 'GAD-7': GAD7 };
const BY_TOTAL_LOINC = new Map<string, SeriesInstrument>(
  SERIES_INSTRUMENTS.map((i) => [DEFINITION[i].total, i]),
);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

/** The series instrument a score belongs to: by the LOINC of its total, else by its name (PHQ-9, phq9). */
export function seriesInstrumentOf(
  score: Pick<ContextScore, 'instrument' | 'loinc'>,
): SeriesInstrument | null {
  const byCode = score.loinc === null ? undefined : BY_TOTAL_LOINC.get(score.loinc);
  if (byCode) return byCode;
  const name = score.instrument.replace(/[\s_-]+/g, '').toUpperCase();
  return SERIES_INSTRUMENTS.find((i) => i.replace('-', '') === name) ?? null;
}

interface Excluded {
  readonly date: string;
  readonly total: number | null;
}

/** One instrument's usable points, oldest first and one per date, and the scores left out. */
function pointsOf(
  instrument: SeriesInstrument,
  newestFirst: readonly ContextScore[],
): { points: SeriesPoint[]; excluded: Excluded[] } {
  const max = maxTotal(DEFINITION[instrument]);
  const mine = newestFirst.filter((s) => seriesInstrumentOf(s) === instrument);
  const iso = mine.every((s) => ISO_DAY.test(s.date));
  const keyOf = (date: string): string => (iso ? date.slice(0, 10) : date.trim());
  const kept = new Map<string, SeriesPoint>();
  const excluded: Excluded[] = [];
  for (const s of mine) {
    if (s.total === null || !Number.isInteger(s.total) || s.total < 0 || s.total > max) {
      excluded.push({ date: s.date, total: s.total });
      continue;
    }
    // Newest first: of one date's scores the first listed is the latest recorded.
    if (!kept.has(keyOf(s.date))) kept.set(keyOf(s.date), { date: s.date, total: s.total });
  }
  const points = [...kept.values()].reverse();
  if (iso)
    points.sort((a, b) => (keyOf(a.date) < keyOf(b.date) ? -1 : keyOf(a.date) > keyOf(b.date) ? 1 : 0));
  return { points, excluded: excluded.reverse() };
}

/** One MeasureSeries per series instrument present in the scores (PHQ-9 first). */
export function measurementFindings(
  newestFirst: readonly ContextScore[],
  options: SeriesOptions = {},
): MeasureSeries[] {
  const out: MeasureSeries[] = [];
  for (const instrument of SERIES_INSTRUMENTS) {
    const { points, excluded } = pointsOf(instrument, newestFirst);
    if (points.length === 0 && excluded.length === 0) continue;
    const analysis = points.length === 0 ? null : analyzeOrderedSeries(instrument, points, options);
    out.push({
      instrument,
      points,
      findings: [
        ...(analysis ? describeSeries(analysis, options) : []),
        ...excludedSentences(instrument, excluded),
      ],
      analysis,
    });
  }
  return out;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const scoreOn = (p: SeriesPoint): string => `${p.total} on ${p.date}`;
const list = (points: readonly SeriesPoint[]): string => points.map(scoreOn).join(', ');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The points from the one dated `date` to the latest. */
const runFrom = (points: readonly SeriesPoint[], date: string | undefined): readonly SeriesPoint[] => {
  const i = points.findIndex((p) => p.date === date);
  return i < 0 ? [] : points.slice(i);
};

/** The findings of one series as sentences: the scores, baseline/latest/change, then each criterion. */
export function describeSeries(a: SeriesAnalysis, options: SeriesOptions = {}): string[] {
  const def = DEFINITION[a.instrument];
  const name = a.instrument;
  const band = (p: SeriesPoint): string => `${p.total} (${severityOf(def, p.total)})`;
  if (a.points.length === 1) {
    return [
      `${name}: one score, ${band(a.latest)} on ${a.latest.date}; change, response, remission and stagnation need a later score.`,
    ];
  }
  const percent = a.percentChange === null ? '' : ` (${signed(a.percentChange)}%)`;
  return [
    `${name}, ${plural(a.points.length, 'score')} oldest first: ${list(a.points)}.`,
    `${name} baseline ${band(a.baseline)} on ${a.baseline.date}; latest ${band(a.latest)} on ${a.latest.date}; change from baseline ${signed(a.changeFromBaseline)} points${percent}.`,
    responseSentence(a),
    remissionSentence(a),
    stagnationSentence(a, reliableChangeOf(a.instrument, options), stagnationSessionsOf(options)),
  ];
}

function responseSentence(a: SeriesAnalysis): string {
  const target = Math.floor(a.baseline.total / 2);
  const head = `${a.instrument} response (a drop of 50% or more from baseline, to ${target} or less)`;
  if (a.baseline.total === 0) return `${a.instrument} response: not applicable (baseline 0).`;
  return a.response.met
    ? `${head}: met since ${a.response.date} (${list(runFrom(a.points, a.response.date))}).`
    : `${head}: not met (latest ${a.latest.total}).`;
}

function remissionSentence(a: SeriesAnalysis): string {
  const head = `${a.instrument} remission (below ${REMISSION_BELOW[a.instrument]})`;
  return a.remission.met
    ? `${head}: met since ${a.remission.date} (${list(runFrom(a.points, a.remission.date))}).`
    : `${head}: not met (latest ${a.latest.total}).`;
}

function stagnationSentence(a: SeriesAnalysis, rci: number, sessions: number): string {
  const head = `${a.instrument} stagnation (no change of ${rci} points or more over the last ${sessions} or more scores)`;
  const { stagnation, points } = a;
  if (stagnation.met) {
    return `${head}: met over the last ${stagnation.sessions} scores since ${stagnation.since} (${list(runFrom(points, stagnation.since))}): review the treatment plan.`;
  }
  if (a.remission.met) return `${head}: not met (in remission).`;
  if (stagnation.sessions === points.length) {
    return `${head}: not met (${plural(points.length, 'score')}; ${sessions} needed).`;
  }
  const breaker = points[points.length - 1 - stagnation.sessions]!;
  return `${head}: not met (the latest, ${a.latest.total}, is ${Math.abs(a.latest.total - breaker.total)} points from ${scoreOn(breaker)}).`;
}

function excludedSentences(instrument: SeriesInstrument, excluded: readonly Excluded[]): string[] {
  const max = maxTotal(DEFINITION[instrument]);
  return excluded.map((e) =>
    e.total === null
      ? `${instrument} on ${e.date}: total not recorded, left out.`
      : `${instrument} on ${e.date}: total ${e.total} is outside 0-${max}, left out.`,
  );
}
