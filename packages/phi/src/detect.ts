import { classifyName } from './lexicon/classify.js';
import { lexicon, type Lexicon } from './lexicon/load.js';
import { detectAddresses } from './recognizers/addresses.js';
import { detectAges } from './recognizers/ages.js';
import { detectBlocks } from './recognizers/blocks.js';
import { detectDates } from './recognizers/dates.js';
import { detectIdentifiers } from './recognizers/identifiers.js';
import { detectKnown } from './recognizers/known.js';
import { detectLocations } from './recognizers/locations.js';
import { detectNames } from './recognizers/names.js';
import { detectOrganizations } from './recognizers/organizations.js';
import { detectPhones } from './recognizers/phones.js';
import { resolveOverlaps, trimSpan } from './resolve.js';
import { normalizeText, originalRange, wholeWord, type NormalizedText } from './text/normalize.js';
import { tokenize, type Token } from './text/tokens.js';
import type { DetectOptions, Span } from './types.js';

const DEFAULT_MIN_CONFIDENCE = 0.5;

/**
 * Finds the Safe Harbor identifiers in `text`. Returns non-overlapping spans sorted by start,
 * offsets in JavaScript string indices, each covering whole words of the original. Pure: the
 * only I/O is loading the shipped lexicons on the first call.
 *
 * The recognizers read a normalized view (text/normalize.ts: NFKC, invisible characters
 * removed), so "Rosa\u200blind" and "Ｒｏｓａｌｉｎｄ" read "Rosalind"; spans are mapped back to the
 * original. Where an invisible character was removed the view is read a second time with it as
 * a space ("Rosalind\u200bPérez" is also two names), and the spans of both readings are kept.
 */
export function detect(text: string, options: DetectOptions = {}): Span[] {
  if (text.length === 0) return [];
  const view = normalizeText(text);
  if (view.map === null) return wholeWords(text, detectNormalized(text, options));
  const spans = inOriginal(view, detectNormalized(view.text, options));
  if (view.invisible) {
    const spaced = normalizeText(text, { invisible: 'space' });
    spans.push(...inOriginal(spaced, detectNormalized(spaced.text, options)));
  }
  return wholeWords(text, spans);
}

function inOriginal(view: NormalizedText, spans: readonly Span[]): Span[] {
  return spans.map((s) => {
    const [start, end] = originalRange(view, s.start, s.end);
    return { ...s, start, end };
  });
}

/** Spans widened to whole original words (no "[PERSON_2]lind" left behind), merged again where they now meet. */
function wholeWords(text: string, spans: Span[]): Span[] {
  let widened = false;
  for (const s of spans) {
    const [start, end] = wholeWord(text, s.start, s.end);
    if (start !== s.start || end !== s.end) {
      s.start = start;
      s.end = end;
      widened = true;
    }
  }
  return widened || !sortedApart(spans) ? resolveOverlaps(spans) : spans;
}

function sortedApart(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++)
    if ((spans[i] as Span).start < (spans[i - 1] as Span).end) return false;
  return true;
}

function detectNormalized(text: string, options: DetectOptions): Span[] {
  const lex = lexicon();
  const tokens = tokenize(text);
  for (const t of tokens) if (t.shape !== 'digit') t.info = classifyName(t.key, lex);
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const found: Span[][] = [
    detectIdentifiers(text, tokens),
    detectPhones(text, tokens),
    detectAddresses(text, tokens),
    detectDates(text, tokens),
    detectAges(text, tokens),
    detectLocations(text, tokens, lex),
    detectOrganizations(text, tokens, lex),
    detectNames(text, tokens, lex),
  ];
  if (options.known) found.push(detectKnown(text, tokens, options.known, lex));
  const kept: Span[] = [];
  for (const spans of found) {
    for (const c of spans) {
      if (c.confidence < minConfidence) continue;
      const t = trimSpan(text, c);
      if (t) kept.push(t);
    }
  }
  // Layout: short lines of a contact block, read off the lines found around them.
  for (const b of detectBlocks(text, tokens, kept)) if (b.confidence >= minConfidence) kept.push(b);
  kept.push(...elsewhereInText(tokens, kept, lex));
  return resolveOverlaps(kept);
}

const PROPAGATED_TYPES: ReadonlySet<string> = new Set(['LOCATION', 'ORGANIZATION']);

/**
 * A place or organisation named once is named everywhere in the text: "transferred to GH" makes
 * "AT GH" and "the GH" identifiers too, and "Quartermain 3" makes "QUARTERMAIN". Only words that
 * are no everyday word, taken from a span found with confidence.
 */
function elsewhereInText(tokens: readonly Token[], spans: readonly Span[], lex: Lexicon): Span[] {
  const named = new Map<string, Span>();
  for (const s of spans) {
    if (!PROPAGATED_TYPES.has(s.type) || s.confidence < 0.7) continue;
    for (
      let k = firstTokenEndingAfter(tokens, s.start);
      k < tokens.length && (tokens[k] as Token).start < s.end;
      k++
    ) {
      const w = tokens[k] as Token;
      const rank = w.info?.wordRank ?? 0;
      if (w.shape === 'digit' || w.key.length < 2 || (rank > 0 && rank <= 20_000)) continue;
      if (!w.info || w.info.shorthand || w.info.cls === 'word' || lex.medical.has(w.key)) continue;
      named.set(w.key, s);
    }
  }
  if (named.size === 0) return [];
  const out: Span[] = [];
  for (const w of tokens) {
    const s = named.get(w.key);
    if (s && (w.end <= s.start || w.start >= s.end))
      out.push({ start: w.start, end: w.end, type: s.type, confidence: 0.7, source: 'propagated' });
  }
  return out;
}

function firstTokenEndingAfter(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((tokens[mid] as Token).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
