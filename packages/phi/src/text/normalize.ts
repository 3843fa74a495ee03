/**
 * The view of a text the recognizers read, and the way back to the original's offsets.
 *
 * Names hide from a detector that reads raw code units: "Rosa\u200blind" (zero-width space),
 * "Ros\u00adalind" (soft hyphen), "Ｒｏｓａｌｉｎｄ" (fullwidth), "Pe\u0301rez" (decomposed). A model
 * reads all of them as the name. The view is NFKC (fullwidth and compatibility forms, ligatures,
 * non-breaking spaces fold to their plain forms) with invisible characters removed: format
 * characters (\p{Cf}: U+200B–U+200F, U+00AD, U+2060, U+FEFF, bidi controls...), the other
 * default-ignorable code points (variation selectors, Hangul fillers) and control characters
 * other than whitespace. Case is left as written: recognizers read capitals as evidence and fold
 * case themselves.
 */

export interface NormalizedText {
  readonly text: string;
  /**
   * `map[i]` is the original offset where the source of view character i begins;
   * `map[text.length]` is the original's length. Null when the view is the original.
   */
  readonly map: Int32Array | null;
  /** Whether an invisible character was removed (or replaced, in the `space` form). */
  readonly invisible: boolean;
}

export interface NormalizeOptions {
  /**
   * Decode JSON string escapes first (`\n`, `\"`, `\u0052`), reading the text the way the
   * receiver of a JSON payload does.
   */
  readonly jsonEscapes?: boolean;
  /**
   * What an invisible character becomes: nothing (default: "Rosa\u200blind" reads "Rosalind"),
   * or a space ("Rosalind\u200bPérez" reads as two words, as a zero-width space may mean).
   */
  readonly invisible?: 'remove' | 'space';
}

// Printable ASCII and whitespace: nothing to normalize. The common case, checked first.
const NOT_PLAIN = /[^\t\n\v\f\r\x20-\x7e]/;
const NOT_PLAIN_JSON = /[^\t\n\v\f\r\x20-\x5b\x5d-\x7e]/;
// Control characters other than whitespace count as invisible; NEL (U+0085) is a line break.
const INVISIBLE = /(?![\t\n\v\f\r\x85])[\p{Cc}\p{Cf}\p{DI}]/u;
const INVISIBLE_AT = /(?![\t\n\v\f\r\x85])[\p{Cc}\p{Cf}\p{DI}]/uy;
const MARK_AT = /\p{M}/uy;
const WORD_AT = /[\p{L}\p{M}\p{N}]/uy;
const LETTER_AT = /[\p{L}\p{M}]/uy;

export function normalizeText(original: string, options: NormalizeOptions = {}): NormalizedText {
  const json = options.jsonEscapes === true;
  if (!(json ? NOT_PLAIN_JSON : NOT_PLAIN).test(original))
    return { text: original, map: null, invisible: false };
  if (json && original.includes('\\')) {
    const decoded = decodeJsonEscapes(original);
    const view = normalizeDecoded(decoded.text, options);
    const map = view.map ?? identity(decoded.text.length);
    for (let i = 0; i < map.length; i++) map[i] = decoded.map[map[i] as number] as number;
    return { text: view.text, map, invisible: view.invisible };
  }
  return normalizeDecoded(original, options);
}

function identity(n: number): Int32Array {
  const map = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) map[i] = i;
  return map;
}

function normalizeDecoded(s: string, options: NormalizeOptions): NormalizedText {
  // Non-ASCII text that NFKC leaves alone and that has nothing invisible (curly quotes, "é"
  // precomposed, em dashes) is its own view.
  if (!INVISIBLE.test(s) && s.normalize('NFKC') === s) return { text: s, map: null, invisible: false };
  const space = options.invisible === 'space';
  const n = s.length;
  let map = new Int32Array(n + 8);
  let text = '';
  let size = 0;
  let invisible = false;
  const emit = (piece: string, from: number, allAt: boolean): void => {
    if (size + piece.length + 1 > map.length) {
      const grown = new Int32Array(Math.max(map.length * 2, size + piece.length + 1));
      grown.set(map.subarray(0, size));
      map = grown;
    }
    // A run copied as is maps one to one; a normalized segment maps wholly to its start.
    for (let k = 0; k < piece.length; k++) map[size + k] = allAt ? from : from + k;
    size += piece.length;
    text += piece;
  };
  let i = 0;
  while (i < n) {
    // A run of plain ASCII characters, none followed by a combining mark, is copied as is.
    const runStart = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || (c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) || c === 0x7f)
        break;
      if (i + 1 < n && s.charCodeAt(i + 1) >= 0x300 && isMark(s, i + 1)) break;
      i++;
    }
    if (i > runStart) emit(s.slice(runStart, i), runStart, false);
    if (i >= n) break;
    // One character (a code point) and the combining marks that follow it.
    const start = i;
    i += codePointLength(s, i);
    if (isInvisible(s, start)) {
      invisible = true;
      if (space) emit(' ', start, true);
      continue;
    }
    let segment = s.slice(start, i);
    while (i < n && isMark(s, i)) {
      const len = codePointLength(s, i);
      // A default-ignorable mark (a variation selector) is dropped, never a separator.
      if (isInvisible(s, i)) invisible = true;
      else segment += s.slice(i, i + len);
      i += len;
    }
    emit(segment.normalize('NFKC'), start, true);
  }
  map[size] = n;
  return { text, map: map.subarray(0, size + 1), invisible };
}

/** 2 for a surrogate pair; a lone surrogate is one unit, read as it is. */
function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const next = s.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

function isMark(s: string, i: number): boolean {
  MARK_AT.lastIndex = i;
  return MARK_AT.test(s);
}

function isInvisible(s: string, i: number): boolean {
  INVISIBLE_AT.lastIndex = i;
  return INVISIBLE_AT.test(s);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  '\\': '\\',
  '/': '/',
};

/** JSON string escapes decoded; `map` as in NormalizedText. An invalid escape is kept as written. */
function decodeJsonEscapes(s: string): { text: string; map: Int32Array } {
  const n = s.length;
  const map = new Int32Array(n + 1);
  let text = '';
  let size = 0;
  let i = 0;
  while (i < n) {
    const next = s.indexOf('\\', i);
    const end = next < 0 ? n : next;
    if (end > i) {
      text += s.slice(i, end);
      for (let k = i; k < end; k++) map[size++] = k;
      i = end;
      if (i >= n) break;
    }
    const e = s.charAt(i + 1);
    const simple = SIMPLE_ESCAPES[e];
    let ch = '\\';
    let len = 1;
    if (simple !== undefined) {
      ch = simple;
      len = 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
      ch = String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
      len = 6;
    }
    text += ch;
    map[size++] = i;
    i += len;
  }
  map[size] = n;
  return { text, map: map.subarray(0, size + 1) };
}

/**
 * The original range of a view range [start, end): from where the source of its first
 * character begins to where the source of its last character ends (an invisible character
 * between two view characters belongs to the range that ends before it).
 */
export function originalRange(view: NormalizedText, start: number, end: number): [number, number] {
  const map = view.map;
  if (!map) return [start, end];
  const from = map[start] as number;
  if (end <= start) return [from, from];
  const last = map[end - 1] as number;
  let k = end;
  // Inside one normalized segment ("ﬁ" → "fi"): the range ends where the segment does.
  while (k < map.length - 1 && map[k] === last) k++;
  return [from, map[k] as number];
}

const enum Kind {
  Other = 0,
  Letter = 1,
  Digit = 2,
  Invisible = 3,
}

function kindAt(text: string, i: number): Kind {
  const c = text.charCodeAt(i);
  if (c < 0x80) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return Kind.Letter;
    if (c >= 48 && c <= 57) return Kind.Digit;
    return (c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) || c === 0x7f
      ? Kind.Invisible
      : Kind.Other;
  }
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
    // The second half of a surrogate pair: read the pair.
    const hi = text.charCodeAt(i - 1);
    if (hi >= 0xd800 && hi <= 0xdbff) return kindAt(text, i - 1);
  }
  if (isInvisible(text, i)) return Kind.Invisible;
  LETTER_AT.lastIndex = i;
  if (LETTER_AT.test(text)) return Kind.Letter;
  WORD_AT.lastIndex = i;
  return WORD_AT.test(text) ? Kind.Digit : Kind.Other;
}

/**
 * Widens [start, end) of the original text to whole words, so that no piece of a word is left
 * beside a token ("[PERSON_2]lind", "\u00adcia"): over the invisible characters at either edge,
 * and over letters (or digits) continuing the letters (or digits) at its edge, through
 * invisible characters. "Rosalind's" keeps its "'s"; "Rosa2" stays two words.
 */
export function wholeWord(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  const first = kindAt(text, s);
  if (first === Kind.Letter || first === Kind.Digit) {
    for (let k = s - 1; k >= 0; k--) {
      const kk = kindAt(text, k);
      if (kk === first) s = k;
      else if (kk === Kind.Invisible) s = k;
      else break;
    }
  }
  const last = e > 0 ? kindAt(text, e - 1) : Kind.Other;
  if (last === Kind.Letter || last === Kind.Digit) {
    for (let k = e; k < text.length; k++) {
      const kk = kindAt(text, k);
      if (kk === last || kk === Kind.Invisible) e = k + 1;
      else break;
    }
  }
  return [s, e];
}
