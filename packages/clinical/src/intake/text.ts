import type { IntakeAnswerInput } from './types.js';

/** A LOINC code (item or answer list codes are `LA…`, not this). */
const LOINC_CODE = /^\d{1,7}-\d$/;

/**
 * Text for pattern matching: lowercase, typographic quotes and dashes made plain, everything
 * but letters, digits, apostrophes, slashes and hyphens turned into single spaces. Forms word
 * the same question many ways ("Marital status:", "MARITAL STATUS", "What is your marital
 * status?"); patterns are written once against this form.
 */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/[^a-z0-9'/-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A linkId as words ("marital-status" → "marital status", "/93042-0/71802-3" → its codes). */
const linkIdWords = (linkId: string): string => normalize(linkId.replace(/[-_./]+/g, ' '));

/**
 * The LOINC code an answer's item is known by: the code the adapter carried, else the last
 * segment of a LOINC-style linkId ("/44249-1/44250-9", as LHC-Forms writes them).
 */
export function itemCodeOf(answer: IntakeAnswerInput): string | null {
  if (answer.code && LOINC_CODE.test(answer.code.trim())) return answer.code.trim();
  const last = (answer.linkId ?? '').split('/').pop()?.trim() ?? '';
  return LOINC_CODE.test(last) ? last : null;
}

/** The question and the linkId as one normalized text the question patterns are matched against. */
export function questionText(answer: IntakeAnswerInput): string {
  const linkId = answer.linkId && !itemCodeOf({ ...answer, code: null }) ? linkIdWords(answer.linkId) : '';
  return linkId ? `${normalize(answer.question)} | ${linkId}` : normalize(answer.question);
}

/**
 * An answer that says no: "no", "No.", "never", "none", "not at all", "denies", "nope",
 * "no thoughts of suicide" (scanRisk decides about any words after it). "I don't know" is not
 * a no; declining to answer is neither a no nor a yes (see `isNonAnswer`).
 */
export function isNegative(answer: string): boolean {
  return /^(?:no|n|nope|nah|none|never|nothing|false|0|negative|not\s+(?:at\s+all|really|currently|now|recently|anymore|any\s*more|that\s+i\s+know\s+of)|denies|deny|i\s+(?:do\s+not|don't|dont|have\s+not|haven't|havent)\b(?!\s+know\b))\b/i.test(
    normalize(answer),
  );
}

/** An answer that gives nothing: blank, n/a, declined. ("Not sure" does say something.) */
export function isNonAnswer(answer: string): boolean {
  return /^(?:|n\/a|na|not applicable|prefer not to (?:say|answer)|declined?(?: to answer)?|rather not (?:say|answer)|skip(?:ped)?)$/.test(
    normalize(answer),
  );
}
