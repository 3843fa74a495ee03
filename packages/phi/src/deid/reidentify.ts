import { normalizeText } from '../text/normalize.js';
import { shiftDate } from './dates.js';
import { TOKEN_LABELS, type TokenValue } from './token-map.js';

export interface Reidentified {
  readonly text: string;
  /** Tokens found in the text that the vault cannot resolve: left visible, never guessed. */
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/**
 * Tolerates what models do to tokens: case ("[client]"), spacing ("[ PERSON_2 ]",
 * "[PERSON 2]"), a lost underscore or a hyphen ("[PERSON-2]"), fullwidth brackets or
 * letters ("［CLIENT］") and invisible characters ("[PERSON\u200b_2]"): the text between
 * brackets is read normalized. Anything in brackets that is not a token label (e.g.
 * "[INTERVENTION_DETAIL]") is a placeholder for the clinician and is left alone.
 */
const BRACKETED = /[[［]([^[\]［］]{1,64})[\]］]/g;
const TOKEN = /^\s*([A-Za-z]+(?:_[A-Za-z]+)*)(?:[\s_-]*(\d+))?\s*$/;
const ISO_DATE = /\b(\d{4}-\d{2}-\d{2})\b/g;

export function reidentify(
  text: string,
  tokens: Readonly<Record<string, TokenValue>>,
  options: { dateShiftDays?: number | null } = {},
): Reidentified {
  const unresolved = new Set<string>();
  let replaced = 0;
  let out = text.replace(BRACKETED, (match, inner: string) => {
    const token = TOKEN.exec(normalizeText(inner).text);
    if (!token) return match;
    const [, rawLabel = '', n] = token;
    const label = rawLabel.toUpperCase();
    if (!TOKEN_LABELS.has(label)) return match;
    const canonical = n === undefined ? `[${label}]` : `[${label}_${Number(n)}]`;
    const value = tokens[canonical];
    if (!value) {
      unresolved.add(canonical);
      return match;
    }
    replaced += 1;
    return value.value;
  });
  // Shifted dates go back by the same offset; only the ISO form the de-identifier wrote is reversed.
  const shift = options.dateShiftDays;
  if (shift) {
    out = out.replace(ISO_DATE, (d: string) => {
      const back = shiftDate(d, -shift);
      if (back) replaced += 1;
      return back ?? d;
    });
  }
  return { text: out, unresolved: [...unresolved], replaced };
}
