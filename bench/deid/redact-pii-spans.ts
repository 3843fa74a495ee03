// redact-pii returns redacted text, not offsets. This recovers the spans it replaced by
// aligning its output against the input, so both detectors are scored by the same evaluate().
import type { PhiType } from '@carerelay/phi';

export interface AlignedSpan {
  start: number;
  end: number;
  type: PhiType;
}

/**
 * The placeholders SyncRedactor writes with its default config (snake-cased names of its
 * built-in patterns, then the name redactor), mapped to the closest CareRelay type.
 */
const PLACEHOLDER_TYPES: ReadonlyMap<string, PhiType> = new Map<string, PhiType>([
  ['US_SOCIAL_SECURITY_NUMBER', 'SSN'],
  ['CREDIT_CARD_NUMBER', 'ACCOUNT'],
  ['STREET_ADDRESS', 'LOCATION'],
  ['EMAIL_ADDRESS', 'EMAIL'],
  ['PHONE_NUMBER', 'PHONE'],
  ['PERSON_NAME', 'NAME'],
  ['CREDENTIALS', 'ID'],
  ['IP_ADDRESS', 'IP'],
  ['USERNAME', 'ID'],
  ['PASSWORD', 'ID'],
  ['ZIPCODE', 'LOCATION'],
  ['DIGITS', 'ID'],
  ['URL', 'URL'],
]);
// Longest first, so no placeholder is cut short by a shorter one that is its prefix.
const PLACEHOLDER_RE = new RegExp(
  [...PLACEHOLDER_TYPES.keys()].sort((a, b) => b.length - a.length).join('|'),
  'g',
);

/**
 * Spans of `input` that redact-pii replaced to produce `output`, or `undefined` when the two
 * cannot be aligned (the caller counts those notes).
 *
 * Method: the output is the input with some substrings replaced by placeholders, and every
 * other character copied unchanged. Walk both strings together; where the output has a
 * placeholder (and the input does not literally contain that word there), the replaced input
 * runs up to where the next literal run of the output (the text up to the next placeholder)
 * reappears in the input: the first occurrence after the current position, or, for the last
 * run, the end of the input. Placeholders written back to back are one span: they cannot be
 * told apart. Redactors apply in sequence, so a later one may swallow an earlier placeholder
 * ("555 ZIPCODE" becomes PHONE_NUMBER); the output still holds only the outermost one and the
 * walk attributes the whole input region to it.
 *
 * Limits: if the literal run after a placeholder also occurs inside the replaced text, the
 * first occurrence wins and the boundary lands early; the runs between placeholders are
 * mostly punctuation and spaces, and evaluate() counts only letters and digits, so this can
 * move whitespace between spans but rarely letters. Input that already contains a placeholder
 * word verbatim ("URL") is read as literal text, not as a redaction.
 *
 * Checked by hand:
 *   "Call 555-123-4567 now" → "Call PHONE_NUMBER now": the last run " now" anchors at the end,
 *   so the span is [5, 17) = "555-123-4567".
 *   "Dear John, email a@b.com" → "Dear PERSON_NAME, email EMAIL_ADDRESS": the run ", email "
 *   is next found at 9, so [5, 9) = "John"; the last placeholder ends the output, so it runs to
 *   the end of the input: [17, 24) = "a@b.com".
 */
export function redactedSpans(input: string, output: string): AlignedSpan[] | undefined {
  const marks = [...output.matchAll(PLACEHOLDER_RE)].map((m) => ({ at: m.index, text: m[0] }));
  const spans: AlignedSpan[] = [];
  let i = 0;
  let j = 0;
  let m = 0;
  while (j < output.length) {
    while (m < marks.length && marks[m]!.at < j) m++;
    const mark = marks[m];
    if (mark?.at === j && !input.startsWith(mark.text, i)) {
      let end = j + mark.text.length;
      let next = m + 1;
      while (marks[next]?.at === end) end += marks[next++]!.text.length;
      const runEnd = marks[next]?.at ?? output.length;
      const run = output.slice(end, runEnd);
      let k: number;
      if (runEnd === output.length) {
        k = input.length - run.length;
        if (!input.endsWith(run)) return undefined;
      } else {
        k = input.indexOf(run, i + 1);
      }
      if (k <= i) return undefined;
      spans.push({ start: i, end: k, type: PLACEHOLDER_TYPES.get(mark.text)! });
      i = k;
      j = end;
      m = next;
    } else {
      if (input[i] !== output[j]) return undefined;
      i++;
      j++;
    }
  }
  return i === input.length ? spans : undefined;
}
