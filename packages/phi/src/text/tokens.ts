import type { NameInfo } from '../lexicon/classify.js';

export type Shape = 'cap' | 'upper' | 'lower' | 'mixed' | 'digit';

/** A word or number in the text, with what the name and place recognizers need to know. */
export interface Token {
  start: number;
  /** End of the word without a possessive `'s`. */
  end: number;
  text: string;
  /** Lowercase, diacritics and apostrophes removed: the lexicon key. */
  key: string;
  shape: Shape;
  possessive: boolean;
  /** First word of a sentence, line, list item or field value: capitals say nothing there. */
  sentenceStart: boolean;
  /** The line is Title Case or ALL CAPS, so capitals carry no evidence of a proper noun. */
  caseless: boolean;
  /** The line is mostly ALL CAPS (a header, a shouted message). */
  upperLine: boolean;
  /** Lexicon facts about `key`, filled in once by detect() (undefined for numbers). */
  info?: NameInfo;
}

// Words are letters with inner apostrophes (O'Brien, Maria's); hyphens split (Mary-Jane → two
// tokens); numbers are digit runs. Scanned by hand: a Unicode regex costs 3x more here.
const LETTER = /[\p{L}\p{M}]/u;
const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’]/g;
const SHARP_S = /ß/g;

const enum Kind {
  Other = 0,
  Lower = 1,
  Upper = 2,
  Digit = 3,
}

/** Kind of each ASCII code unit: one table read on the hot path. */
const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_KIND[c] =
    c >= 97 && c <= 122
      ? Kind.Lower
      : c >= 65 && c <= 90
        ? Kind.Upper
        : c >= 48 && c <= 57
          ? Kind.Digit
          : Kind.Other;
}

function kindAt(text: string, i: number): Kind {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_KIND[c] as Kind;
  if (Number.isNaN(c)) return Kind.Other;
  const ch = text[i] as string;
  if (!LETTER.test(ch)) return Kind.Other;
  return ch !== ch.toLowerCase() ? Kind.Upper : Kind.Lower;
}

export function foldKey(word: string): string {
  const lower = word.toLowerCase();
  let ascii = true;
  let apostrophe = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c >= 128) ascii = false;
    if (c === 39 || c === 8217) apostrophe = true;
  }
  // Full case folding where lowercasing falls short: "WEISS" is "Weiß".
  const folded = ascii ? lower : lower.normalize('NFD').replace(MARKS, '').replace(SHARP_S, 'ss');
  return apostrophe ? folded.replace(APOSTROPHES, '') : folded;
}

const SENTENCE_ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'st', 'jr', 'sr', 'mt', 'ft', 'pt']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  const line = new LineCase();
  let boundary = true;
  let afterNewline = true;
  let i = 0;
  while (i < n) {
    const k = kindAt(text, i);
    if (k === Kind.Other) {
      const ch = text.charCodeAt(i);
      // . ! ? : ; newline, bullets, quotes, brackets open a new clause; "-" after a newline is a bullet
      if (ch === 10) {
        line.end(tokens);
        boundary = true;
        afterNewline = true;
      } else if (
        ch === 46 ||
        ch === 33 ||
        ch === 63 ||
        ch === 58 ||
        ch === 59 ||
        ch === 8226 ||
        ch === 42 ||
        ch === 34 ||
        ch === 8220 ||
        ch === 40 ||
        ch === 91
      ) {
        boundary = true;
      } else if (ch === 45 && afterNewline) {
        boundary = true;
      } else if (ch !== 32 && ch !== 9 && ch !== 13) {
        afterNewline = false;
      }
      i++;
      continue;
    }
    const start = i;
    let shape: Shape;
    let plain = true; // ASCII letters only, no apostrophe: the key is the lowercase text
    if (k === Kind.Digit) {
      while (i < n && kindAt(text, i) === Kind.Digit) i++;
      shape = 'digit';
    } else {
      let uppers = 0;
      let lowers = 0;
      const firstUpper = k === Kind.Upper;
      for (;;) {
        const kk = kindAt(text, i);
        if (kk === Kind.Upper) {
          uppers++;
          i++;
        } else if (kk === Kind.Lower) {
          lowers++;
          i++;
        } else if (i > start && (text.charCodeAt(i) === 39 || text.charCodeAt(i) === 8217) && i + 1 < n) {
          const after = kindAt(text, i + 1);
          if (after !== Kind.Upper && after !== Kind.Lower) break;
          plain = false;
          i++;
        } else break;
        if (text.charCodeAt(i - 1) >= 128) plain = false;
      }
      if (uppers === 0) shape = 'lower';
      else if (lowers === 0) shape = i - start === 1 ? 'cap' : 'upper';
      else shape = firstUpper ? 'cap' : 'mixed'; // "McDonald" reads as capitalised
    }
    let end = i;
    let possessive = false;
    if (shape !== 'digit' && end - start > 2) {
      const q = text.charCodeAt(end - 2);
      const s2 = text.charCodeAt(end - 1);
      if ((q === 39 || q === 8217) && (s2 === 115 || s2 === 83)) {
        end -= 2;
        possessive = true;
      }
    }
    const word = text.slice(start, end);
    const prev = tokens[tokens.length - 1];
    // "Dr. Smith": a period after a short title does not start a sentence.
    // "J. Amankwah": a period after a middle or first initial does not either.
    const abbreviationBefore =
      prev !== undefined &&
      prev.end - prev.start <= 3 &&
      prev.shape === 'cap' &&
      (SENTENCE_ABBREVIATIONS.has(prev.key) ||
        (prev.end - prev.start === 1 && prev.key !== 'i' && shape === 'cap'));
    tokens.push({
      start,
      end,
      text: word,
      key:
        shape === 'digit' || (plain && shape === 'lower') ? word : plain ? word.toLowerCase() : foldKey(word),
      shape: possessive && shape === 'upper' && word.length === 1 ? 'cap' : shape,
      possessive,
      sentenceStart: tokens.length === 0 || (boundary && !abbreviationBefore),
      caseless: false,
      upperLine: false,
      // Present from the start so every token has one object shape (detect() fills it in).
      info: undefined,
    });
    line.count(tokens[tokens.length - 1] as Token);
    boundary = false;
    afterNewline = false;
  }
  line.end(tokens);
  return tokens;
}

const FUNCTION_WORDS = new Set([
  'of',
  'and',
  'the',
  'in',
  'to',
  'for',
  'with',
  'a',
  'an',
  'on',
  'at',
  'or',
  'by',
]);

/**
 * The case profile of the current line, counted as its tokens are made: a Title Case or
 * ALL CAPS line says nothing by its capitals (marked when the line ends, in one pass).
 */
class LineCase {
  private first = 0;
  private words = 0;
  private caps = 0;
  private uppers = 0;

  count(t: Token): void {
    if (t.shape === 'digit' || (t.shape === 'lower' && FUNCTION_WORDS.has(t.key))) return;
    this.words++;
    if (t.shape === 'cap' || t.shape === 'upper') this.caps++;
    if (t.shape === 'upper' && t.text.length > 1) this.uppers++;
  }

  end(tokens: Token[]): void {
    const { words, caps, uppers } = this;
    const upperLine = words >= 3 && uppers / words >= 0.6;
    const caseless = upperLine || (words >= 5 && caps / words >= 0.75);
    if (caseless) {
      for (let i = this.first; i < tokens.length; i++) {
        (tokens[i] as Token).caseless = true;
        (tokens[i] as Token).upperLine = upperLine;
      }
    }
    this.first = tokens.length;
    this.words = 0;
    this.caps = 0;
    this.uppers = 0;
  }
}

/** The text between two tokens, e.g. to check they are separated by one space only. */
export function gap(text: string, a: Token, b: Token): string {
  return text.slice(a.end + (a.possessive ? 2 : 0), b.start);
}
