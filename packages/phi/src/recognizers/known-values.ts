const MONTHS = [
  ['january', 'jan'],
  ['february', 'feb'],
  ['march', 'mar'],
  ['april', 'apr'],
  ['may', 'may'],
  ['june', 'jun'],
  ['july', 'jul'],
  ['august', 'aug'],
  ['september', 'sept?'],
  ['october', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
] as const;

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A regex matching a date of birth in every common written shape: 07/22/1992, 7-22-92,
 * 1992-07-22, 22.07.1992, 07221992, July 22nd 1992, Jul. 22, 22 July, 7/22 ...
 */
export function dobPattern(iso: string): RegExp | undefined {
  const parts = dobPatternParts(iso);
  return parts && new RegExp(`${parts.numeric.source}|${parts.named.source}`, 'gi');
}

/**
 * The same date of birth as two patterns: forms that start with a digit, and forms that start
 * with the month's name (`monthWords`: its folded spellings; `numberWords`: the numbers a numeric
 * form starts with), so each is tried only at tokens that can start it.
 */
export function dobPatternParts(
  iso: string,
): { numeric: RegExp; named: RegExp; monthWords: string[]; numberWords: string[] } | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(iso.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  const names = MONTHS[month - 1];
  if (!names || day < 1 || day > 31) return undefined;
  const yy = y.slice(2);
  const M = `0?${month}`;
  const D = `0?${day}`;
  const Y = `(?:${y}|${yy})`;
  const SEP = '[/.\\-]';
  const ord = '(?:st|nd|rd|th)?';
  const monthName = `(?:${names[0]}|${names[1]})\\.?`;
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const forms = [
    // Month/day without a year only with a slash: "2-3" and "2.3" are ranges and decimals.
    `${M}/${D}`,
    `${M}${SEP}${D}${SEP}${Y}`,
    `${D}${SEP}${M}${SEP}${Y}`,
    `${y}${SEP}${M}${SEP}${D}`,
    `${mm}${dd}${y}`,
    `${y}${mm}${dd}`,
    `${dd}${mm}${y}`,
    `${D}${ord}[ \\t]+(?:of[ \\t]+)?${monthName}(?:,?[ \\t]*(?:${y}|['’]${yy}))?`,
  ];
  const named = `${monthName}[ \\t]+${D}${ord}(?:,?[ \\t]*(?:${y}|['’]${yy}))?`;
  const wrap = (body: string) => new RegExp(`(?<![\\d/.-])(?:${body})(?![\\d/]|[.-]\\d)`, 'gi');
  const monthWords = names[1] === 'sept?' ? [names[0], 'sep', 'sept'] : [names[0], names[1]];
  // The first number of every numeric form: month, day, year, or the compact eight digits.
  const numberWords = [
    String(month),
    mm,
    String(day),
    dd,
    y,
    `${mm}${dd}${y}`,
    `${y}${mm}${dd}`,
    `${dd}${mm}${y}`,
  ];
  return { numeric: wrap(forms.join('|')), named: wrap(named), monthWords, numberWords };
}

/** Upper-case letters and digits only: "000-123 45" → "00012345". */
export function normalizeCode(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Runs that can hold a phone number: +1 (555) 123-4567 x12 */
export const PHONE_RUN = /\+?\(?\d[\d \t().-]{5,22}\d/g;

/** Damerau-Levenshtein distance is at most 1 (one edit or one swap of neighbours). */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // substitution at i, or a swap of i and i+1
    let j = la - 1;
    while (j > i && a.charCodeAt(j) === b.charCodeAt(j)) j--;
    if (j === i) return true;
    return j === i + 1 && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i);
  }
  // one insertion/deletion at i: the tails must match
  const [long, short] = la > lb ? [a, b] : [b, a];
  for (let k = i; k < short.length; k++) if (long.charCodeAt(k + 1) !== short.charCodeAt(k)) return false;
  return true;
}
