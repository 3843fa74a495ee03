import type { Token } from '../text/tokens.js';
import type { PhiType, Span } from '../types.js';

// Contact blocks: letterheads, signatures and mailing labels stack a person, an organisation
// and an address on short lines of their own ("Julcsa Kárpáthy⏎Mhealthcoach⏎50668 Kiannonkatu
// 98⏎Mobile: ..."). Once the other recognizers have found the address or phone lines, the
// layout says what the remaining short lines are: the line over an address is its addressee,
// a line between two contact lines is an organisation, and a numbered line over "Suite 501" is
// the street.

const CONTACT: ReadonlySet<PhiType> = new Set([
  'NAME',
  'LOCATION',
  'PHONE',
  'FAX',
  'EMAIL',
  'ORGANIZATION',
  'URL',
]);
const JOINERS = new Set(['and', '&', 'of', 'the', 'de', 'la', 'van', 'von', 'der']);
/** Leading quote and bullet marks ("> ", "??? ") and trailing spaces are not part of a line. */
const QUOTE_CHARS = new Set([32, 9, 13, 62, 63, 124, 42, 8226, 45]);
const SPACE_CHARS = new Set([32, 9, 13]);
const UNIT_LINE =
  /^(?:apt|apartment|suite|ste|unit|box|floor|fl|bldg|building|p\.?\s?o\.?\s?box)\b\.?\s*#?\s*[\w-]{1,6}\b/i;

interface Line {
  start: number;
  end: number;
  /** Tokens [a, b) on the line. */
  a: number;
  b: number;
  /** -1 until cover() has run. */
  covered: number;
  type: PhiType | undefined;
}

export function detectBlocks(text: string, tokens: readonly Token[], spans: readonly Span[]): Span[] {
  if (!text.includes('\n') || spans.length === 0) return [];
  if (
    !spans.some((s) => s.type === 'LOCATION' || s.type === 'PHONE' || s.type === 'EMAIL' || s.type === 'FAX')
  )
    return [];
  if (!candidateLine(text, tokens)) return [];
  const lines = splitLines(text, tokens);
  // Only short lines next to another short line can be part of a block: most notes have none.
  let any = false;
  for (let k = 0; k < lines.length && !any; k++)
    any = isShort(lines[k]) && (isShort(lines[k - 1]) || isShort(lines[k + 1]));
  if (!any) return [];
  const sorted = spans.slice().sort((x, y) => x.start - y.start);
  const out: Span[] = [];
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k] as Line;
    if (!isShort(l)) continue;
    const prev = neighbour(text, lines, k, -1);
    const next = neighbour(text, lines, k, 1);
    if (!prev && !next) continue;
    // "20789 Allika 46⏎ Suite 501": the numbered line over a unit line is the street.
    if (
      next &&
      hasDigit(tokens, l) &&
      UNIT_LINE.test(text.slice(next.start, Math.min(next.end, next.start + 24)))
    ) {
      cover(text, l, sorted);
      if (l.covered < 0.5)
        out.push({ start: l.start, end: l.end, type: 'LOCATION', confidence: 0.7, source: 'location:block' });
      continue;
    }
    if (!plainLine(text, tokens, l)) continue;
    for (const x of [l, prev, next]) if (x) cover(text, x, sorted);
    if (l.covered >= 0.3) continue;
    const after = next && neighbour(text, lines, k + 1, 1);
    if (after) cover(text, after, sorted);
    // The addressee sits right over the address, or over the organisation line above it.
    const nextAddress =
      isAddress(next) ||
      (next !== undefined && next.covered < 0.3 && plainLine(text, tokens, next) && isAddress(after));
    const prevContact =
      prev !== undefined && prev.covered >= 0.5 && prev.type !== undefined && CONTACT.has(prev.type);
    const nextContact =
      (next !== undefined && next.covered >= 0.5 && next.type !== undefined && CONTACT.has(next.type)) ||
      (next !== undefined && isAddress(after));
    let type: PhiType | undefined;
    if (nextAddress && !prevContact && personLike(tokens, l)) type = 'NAME';
    else if (prevContact && nextContact)
      type = personLike(tokens, l) && prev?.type !== 'NAME' ? 'NAME' : 'ORGANIZATION';
    if (type) {
      out.push({
        start: l.start,
        end: l.end,
        type,
        confidence: 0.6,
        source: type === 'NAME' ? 'name:block' : 'org:block',
      });
      // The line now counts as a contact line for the lines under it.
      l.covered = 1;
      l.type = type;
    }
  }
  // A name read off the layout is a name wherever else it occurs ("Fletcher Hill" repeated).
  for (const s of out.slice()) {
    if (s.type !== 'NAME') continue;
    const value = text.slice(s.start, s.end);
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
      if (at !== s.start) out.push({ ...s, start: at, end: at + value.length });
    }
  }
  return out;
}

const UNIT_WORDS = new Set([
  'apt',
  'apartment',
  'suite',
  'ste',
  'unit',
  'box',
  'floor',
  'fl',
  'bldg',
  'building',
  'p',
  'po',
]);

/**
 * Cheap gate over the tokens: is there a short line of capitalised words (a name or company
 * line) or a line opening with a unit word? Most notes have neither and skip the layout pass.
 */
function candidateLine(text: string, tokens: readonly Token[]): boolean {
  let count = 0;
  let plain = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    let newLine = i === 0;
    if (prev) for (let c = prev.end; c < t.start && !newLine; c++) newLine = text.charCodeAt(c) === 10;
    if (newLine) {
      if (count > 0 && count <= 6 && plain) return true;
      if (UNIT_WORDS.has(t.key)) return true;
      count = 0;
      plain = true;
    }
    count++;
    if (t.shape === 'lower' && !JOINERS.has(t.key)) plain = false;
  }
  return count > 0 && count <= 6 && plain;
}

function hasDigit(tokens: readonly Token[], l: Line): boolean {
  for (let i = l.a; i < l.b; i++) if ((tokens[i] as Token).shape === 'digit') return true;
  return false;
}

function isShort(l: Line | undefined): boolean {
  return l !== undefined && l.b > l.a && l.b - l.a <= 6 && l.end - l.start <= 60;
}

/** Lines with their tokens; coverage is filled in by cover() only for lines that need it. */
function splitLines(text: string, tokens: readonly Token[]): Line[] {
  const lines: Line[] = [];
  let ti = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let s = start;
    while (s < end && QUOTE_CHARS.has(text.charCodeAt(s))) s++;
    let e = end;
    while (e > s && SPACE_CHARS.has(text.charCodeAt(e - 1))) e--;
    while (ti < tokens.length && (tokens[ti] as Token).start < s) ti++;
    const a = ti;
    while (ti < tokens.length && (tokens[ti] as Token).start < e) ti++;
    if (e > s) lines.push({ start: s, end: e, a, b: ti, covered: -1, type: undefined });
    start = end + 1;
  }
  return lines;
}

/** Share of the line's letters and digits inside spans, and the type covering most of them. */
function cover(text: string, l: Line, sorted: readonly Span[]): void {
  if (l.covered >= 0) return;
  let alnum = 0;
  for (let i = l.start; i < l.end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 44 && c !== 46 && c !== 9) alnum++;
  }
  let covered = 0;
  let best = 0;
  // First span that can reach the line: spans are sorted by start and rarely longer than 200.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as Span).start < l.start - 200) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < sorted.length; k++) {
    const s = sorted[k] as Span;
    if (s.start >= l.end) break;
    if (s.end <= l.start) continue;
    let n = 0;
    for (let i = Math.max(s.start, l.start); i < Math.min(s.end, l.end); i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 44 && c !== 46 && c !== 9) n++;
    }
    covered += n;
    if (n > best) [best, l.type] = [n, s.type];
  }
  l.covered = alnum ? Math.min(1, covered / alnum) : 0;
}

function isAddress(l: Line | undefined): boolean {
  return l !== undefined && l.type === 'LOCATION' && l.covered >= 0.5;
}

/** The line before or after, with at most one blank line between. */
function neighbour(text: string, lines: readonly Line[], k: number, dir: 1 | -1): Line | undefined {
  const o = lines[k + dir];
  const l = lines[k] as Line;
  if (!o) return undefined;
  const [from, to] = dir > 0 ? [l.end, o.start] : [o.end, l.start];
  if (to - from <= 3) return o;
  let breaks = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) breaks++;
  return breaks <= 2 ? o : undefined;
}

/** A short line of capitalised words with no sentence punctuation: a name or a company. */
function plainLine(text: string, tokens: readonly Token[], l: Line): boolean {
  for (let i = l.a; i < l.b; i++) {
    const t = tokens[i] as Token;
    if (t.shape === 'lower' && !JOINERS.has(t.key)) return false;
  }
  const s = text.slice(l.start, l.end);
  return !(/[:;!?"]|\.\s|^\d/.test(s) || (/\.$/.test(s) && !/\b(?:Inc|Ltd|Co|Corp|LLC)\.$/i.test(s)));
}

/** Two to four words, none of them a common word: "Satu Elomo", "Mijail C Adomo". */
function personLike(tokens: readonly Token[], l: Line): boolean {
  const n = l.b - l.a;
  if (n < 2 || n > 4) return false;
  for (let i = l.a; i < l.b; i++) {
    const t = tokens[i] as Token;
    if (t.shape === 'digit' || (t.shape === 'upper' && t.text.length > 1)) return false;
    if (t.text.length === 1) continue;
    const cls = t.info?.cls;
    if (cls === 'word' || (cls === 'ambiguous' && (t.info?.first ?? 0) < 1_000)) return false;
  }
  return true;
}
