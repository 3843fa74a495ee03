import type { Token } from './tokens.js';

/** Only spaces or tabs (1-3) between two tokens on the same line. */
export function spaceBetween(text: string, a: Token, b: Token): boolean {
  const from = a.end + (a.possessive ? 2 : 0);
  const n = b.start - from;
  if (n < 1 || n > 3) return false;
  for (let i = from; i < b.start; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The text between two tokens is exactly `s` (after a possessive 's). */
export function gapIs(text: string, a: Token, b: Token, s: string): boolean {
  const from = a.end + (a.possessive ? 2 : 0);
  return b.start - from === s.length && text.startsWith(s, from);
}

export function isCapitalised(t: Token): boolean {
  return t.shape === 'cap' || t.shape === 'upper' || t.shape === 'mixed';
}

const JOINERS = new Set(['of', 'and', 'the', 'for', 'de', 'del', 'la', 'los', 'las', 'du', 'von', 'van']);

/**
 * Index of the first token of the run of capitalised words that ends right before token
 * `idx` (same line, single spaces, "St." and "&" allowed; lowercase joiners like "of" only
 * between capitalised words). Returns `idx` when there is no such run.
 */
export function capitalRunBefore(
  text: string,
  tokens: readonly Token[],
  idx: number,
  maxWords: number,
  joiners = false,
  digits = false,
): number {
  let a = idx;
  let words = 0;
  while (a > 0 && words < maxWords) {
    const prev = tokens[a - 1] as Token;
    const cur = tokens[a] as Token;
    // "St. Mark's", "Mt. Sinai": a period only after a short abbreviation, never a sentence end.
    const abbreviation = prev.text.length <= 3 && prev.shape === 'cap' && gapIs(text, prev, cur, '. ');
    const sep =
      spaceBetween(text, prev, cur) ||
      abbreviation ||
      gapIs(text, prev, cur, ' & ') ||
      gapIs(text, prev, cur, '-');
    if (!sep) break;
    if (isCapitalised(prev) || (digits && prev.shape === 'digit')) {
      a--;
      words++;
      continue;
    }
    if (
      joiners &&
      JOINERS.has(prev.key) &&
      a - 2 >= 0 &&
      isCapitalised(tokens[a - 2] as Token) &&
      spaceBetween(text, tokens[a - 2] as Token, prev)
    ) {
      a -= 2;
      words++;
      continue;
    }
    break;
  }
  return a;
}

/** Index of the last token of the run of capitalised words that starts right after `idx`. */
export function capitalRunAfter(
  text: string,
  tokens: readonly Token[],
  idx: number,
  maxWords: number,
): number {
  let b = idx;
  while (b + 1 < tokens.length && b - idx < maxWords) {
    const next = tokens[b + 1] as Token;
    if (!isCapitalised(next) || !spaceBetween(text, tokens[b] as Token, next)) break;
    b++;
  }
  return b;
}
