import type { PhiType } from '../types.js';

export interface GoldDocument {
  id: string;
  text: string;
  spans: ReadonlyArray<{ start: number; end: number; type: string; known?: boolean }>;
}

export interface PredictedDocument {
  id: string;
  spans: ReadonlyArray<{ start: number; end: number; type: string }>;
}

export interface TypeScore {
  type: string;
  gold: number;
  /** Caught: every letter and digit of the gold span is inside some prediction, any type. */
  caught: number;
  recall: number;
  /** Caught, and a prediction of the same type overlaps it. */
  typedRecall: number;
}

export interface MissedSpan {
  id: string;
  type: string;
  text: string;
  context: string;
}

export interface Evaluation {
  documents: number;
  goldSpans: number;
  leakRecall: number;
  /** Predicted letters/digits inside gold spans over all predicted letters/digits. */
  charPrecision: number;
  predictedChars: number;
  phiFreeDocuments: number;
  /** Share of PHI-free documents with no prediction at all. */
  phiFreeUntouched: number;
  knownSpans: number;
  /** Recall on gold spans marked `known` (from structured fields); NaN when there are none. */
  knownRecall: number;
  perType: TypeScore[];
  missed: MissedSpan[];
  falsePositives: MissedSpan[];
}

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * Gold spans that are not identifiers: `DATE_YEAR` (a bare year, which Safe Harbor allows;
 * PhysioNet marks it), and DATE spans that are only a year. Neither required nor penalised.
 */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['DATE_YEAR']);
/** A DATE span that is only a year ("in 1977", "the 1980s") is a bare year too (Presidio marks them). */
const BARE_YEAR = /^(?:1[89]|20)\d\d['’]?s?$/i;

function ignored(text: string, g: { start: number; end: number; type: string }): boolean {
  return IGNORED_TYPES.has(g.type) || (g.type === 'DATE' && BARE_YEAR.test(text.slice(g.start, g.end)));
}

function touchesOutside(text: string, p: { start: number; end: number }, inGold: Uint8Array): boolean {
  for (let i = Math.max(0, p.start); i < Math.min(text.length, p.end); i++)
    if (isAlnum(text, i) && inGold[i] !== 2) return true;
  return false;
}

function isAlnum(text: string, i: number): boolean {
  return ALNUM.test(text[i] as string);
}

function snippet(text: string, start: number, end: number): string {
  return `${text.slice(Math.max(0, start - 30), start)}[[${text.slice(start, end)}]]${text.slice(end, end + 30)}`.replace(
    /\n/g,
    '⏎',
  );
}

/**
 * Scores predictions against gold spans the way a leak is judged: a gold span counts as
 * caught only if every alphanumeric character in it is covered by a prediction.
 */
export function evaluate(gold: readonly GoldDocument[], predicted: readonly PredictedDocument[]): Evaluation {
  const byId = new Map(predicted.map((p) => [p.id, p]));
  const types = new Map<string, { gold: number; caught: number; typed: number }>();
  let goldSpans = 0;
  let caught = 0;
  let predictedChars = 0;
  let truePredicted = 0;
  let phiFree = 0;
  let untouched = 0;
  let knownSpans = 0;
  let knownCaught = 0;
  const missed: MissedSpan[] = [];
  const falsePositives: MissedSpan[] = [];
  for (const doc of gold) {
    const pred = byId.get(doc.id)?.spans ?? [];
    const n = doc.text.length;
    const covered = new Uint8Array(n);
    for (const p of pred) for (let i = Math.max(0, p.start); i < Math.min(n, p.end); i++) covered[i] = 1;
    // 1: PHI to catch; 2: allowed either way (a bare year), neither caught nor a false positive.
    const inGold = new Uint8Array(n);
    const scored = doc.spans.filter((g) => !ignored(doc.text, g));
    for (const g of doc.spans) {
      const mark = ignored(doc.text, g) ? 2 : 1;
      for (let i = Math.max(0, g.start); i < Math.min(n, g.end); i++)
        inGold[i] = Math.max(inGold[i] ?? 0, mark);
    }
    if (scored.length === 0) {
      phiFree++;
      if (!pred.some((p) => touchesOutside(doc.text, p, inGold))) untouched++;
    }
    for (const g of scored) {
      let ok = true;
      for (let i = g.start; i < g.end && ok; i++) if (isAlnum(doc.text, i) && !covered[i]) ok = false;
      const typed = ok && pred.some((p) => p.type === g.type && p.start < g.end && p.end > g.start);
      const t = types.get(g.type) ?? { gold: 0, caught: 0, typed: 0 };
      t.gold++;
      goldSpans++;
      if (ok) {
        t.caught++;
        caught++;
      } else {
        missed.push({
          id: doc.id,
          type: g.type,
          text: doc.text.slice(g.start, g.end),
          context: snippet(doc.text, g.start, g.end),
        });
      }
      if (typed) t.typed++;
      types.set(g.type, t);
      if (g.known) {
        knownSpans++;
        if (ok) knownCaught++;
      }
    }
    for (const p of pred) {
      let fp = 0;
      for (let i = Math.max(0, p.start); i < Math.min(n, p.end); i++) {
        if (!isAlnum(doc.text, i) || inGold[i] === 2) continue;
        predictedChars++;
        if (inGold[i]) truePredicted++;
        else fp++;
      }
      if (fp > 0)
        falsePositives.push({
          id: doc.id,
          type: p.type,
          text: doc.text.slice(p.start, p.end),
          context: snippet(doc.text, p.start, p.end),
        });
    }
  }
  const perType: TypeScore[] = [...types.entries()]
    .sort((a, b) => b[1].gold - a[1].gold)
    .map(([type, t]) => ({
      type: type as PhiType,
      gold: t.gold,
      caught: t.caught,
      recall: t.caught / t.gold,
      typedRecall: t.typed / t.gold,
    }));
  return {
    documents: gold.length,
    goldSpans,
    leakRecall: goldSpans === 0 ? 1 : caught / goldSpans,
    charPrecision: predictedChars === 0 ? 1 : truePredicted / predictedChars,
    predictedChars,
    phiFreeDocuments: phiFree,
    phiFreeUntouched: phiFree === 0 ? 1 : untouched / phiFree,
    knownSpans,
    knownRecall: knownSpans === 0 ? Number.NaN : knownCaught / knownSpans,
    perType,
    missed,
    falsePositives,
  };
}
