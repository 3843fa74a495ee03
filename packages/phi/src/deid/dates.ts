/**
 * Reading the date shapes clinicians write, to give one token to one date written
 * two ways and to shift full dates by a per-client offset (intervals kept).
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface ParsedDate {
  readonly year: number | null;
  readonly month: number;
  readonly day: number | null;
}

function monthOf(word: string): number | null {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return i < 0 ? null : i + 1;
}

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  // Two-digit years: the next 10 years are future appointments, the rest are past.
  const now = new Date().getUTCFullYear() % 100;
  return n <= now + 10 ? 2000 + n : 1900 + n;
}

function valid(d: ParsedDate): ParsedDate | null {
  if (d.month < 1 || d.month > 12) return null;
  if (d.day !== null && (d.day < 1 || d.day > 31)) return null;
  return d;
}

export function parseDate(raw: string): ParsedDate | null {
  const s = raw
    .trim()
    .replace(/(\d)(st|nd|rd|th)\b/gi, '$1')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?$/.exec(s);
  if (m) return valid({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
  m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(s);
  if (m) return valid({ year: m[3] ? fullYear(m[3]) : null, month: Number(m[1]), day: Number(m[2]) });
  m = /^([A-Za-z]{3,9})\.? (\d{1,2})(?: (\d{4}))?$/.exec(s);
  if (m && monthOf(m[1]!))
    return valid({ year: m[3] ? Number(m[3]) : null, month: monthOf(m[1]!)!, day: Number(m[2]) });
  m = /^(\d{1,2}) ([A-Za-z]{3,9})\.?(?: (\d{4}))?$/.exec(s);
  if (m && monthOf(m[2]!))
    return valid({ year: m[3] ? Number(m[3]) : null, month: monthOf(m[2]!)!, day: Number(m[1]) });
  m = /^([A-Za-z]{3,9})\.? (\d{4})$/.exec(s);
  if (m && monthOf(m[1]!)) return valid({ year: Number(m[2]), month: monthOf(m[1]!)!, day: null });
  return null;
}

/** One key per calendar date, whatever the shape: "3/14/2026" and "March 14th, 2026" share a token. */
export function dateKey(raw: string): string {
  const d = parseDate(raw);
  if (!d) return raw.toLowerCase().replace(/\s+/g, ' ').trim();
  return `${d.year ?? '????'}-${String(d.month).padStart(2, '0')}-${d.day === null ? '??' : String(d.day).padStart(2, '0')}`;
}

const iso = (t: Date): string => t.toISOString().slice(0, 10);

/** A full date moved by `days`, as ISO; partial dates cannot be shifted safely and return null. */
export function shiftDate(raw: string, days: number): string | null {
  const d = parseDate(raw);
  if (!d || d.year === null || d.day === null) return null;
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (t.getUTCMonth() !== d.month - 1) return null; // 31 February and friends
  t.setUTCDate(t.getUTCDate() + days);
  return iso(t);
}

/** Whole years between a birth date and a day, both ISO. */
export function ageOn(birthDate: string, on: string): number | null {
  const b = parseDate(birthDate);
  const d = parseDate(on);
  if (!b?.year || !b.day || !d?.year || !d.day) return null;
  let age = d.year - b.year;
  if (d.month < b.month || (d.month === b.month && d.day < b.day)) age -= 1;
  return age >= 0 ? age : null;
}
