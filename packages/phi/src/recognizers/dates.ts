import { triggerBit } from '../lexicon/triggers.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';

// Safe Harbor (164.514(b)(2)(i)(C)): every date element except the year is an identifier,
// and so is any age over 89. A bare four-digit year is allowed and is not flagged.

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:\d{4}|'\d{2}|’\d{2})`;

// Every pattern is sticky and tried only at the tokens that can start it (a number, a month,
// a cue word): one pass over the tokens instead of a dozen scans of the text.

/** "July 22nd, 2024", "Jul. 22", "July 22 '92", "Sept 3rd" */
const MONTH_DAY = new RegExp(String.raw`${MONTH}\.?[ \t]+${DAY}\b(?:,?[ \t]*${YEAR}\b)?`, 'iy');
/** "22 Jul", "22nd of July 2024", "3rd of June" */
const DAY_MONTH = new RegExp(String.raw`${DAY}[ \t]+(?:of[ \t]+)?${MONTH}\b\.?(?:,?[ \t]*${YEAR}\b)?`, 'iy');
/** "July 2024", "Sept. '19": the month is a date element even when the year alone is not. */
const MONTH_YEAR = new RegExp(String.raw`${MONTH}\.?,?[ \t]+${YEAR}\b`, 'iy');
/** 07/22/2024, 7-22-24, 07.22.2024, 2024-07-22, 2024/7/22, with a time after it if any */
const NUMERIC_FULL =
  /(?<![\d/.-])(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})|(\d{4})([/.-])(\d{1,2})\6(\d{1,2}))(?![\d/-]|\.\d)(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?/y;
/** 7/22, 07/22: month/day without a year. */
const NUMERIC_SHORT = /(?<![\d/.:-])(\d{1,2})\/(\d{1,2})(?![\d/]|\.\d)/y;
/** 7-22 and 7.22 are dates only after a date cue ("on 7-22"); otherwise ranges and decimals. */
const NUMERIC_SHORT_DASH = /(?<![\d/.:-])(\d{1,2})[-.](\d{1,2})(?![\d.-])/y;
/** A compact DOB after a date label: "DOB 07221992", "DOB: 19920722". */
const COMPACT = /(?:dob|d\.o\.b\.?|date of birth|birth ?date|born)[ \t:]*(\d{8})\b/iy;
const COMPACT_STARTS = new Set(['dob', 'd', 'date', 'birth', 'birthdate', 'born']);
/** "the 3rd", "Tuesday the 3rd", "on the 22nd" */
const ORDINAL_DAY =
  /the[ \t]+((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b(?![ \t]+(?!of\b|at\b|in\b|and\b|or\b)[a-z])/iy;
const ORDINAL_DAY_ANY = /the[ \t]+((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b/iy;
/** 12/2023, 3/2019: a month and a four-digit year. */
const MONTH_FULL_YEAR = /(?<![\d/.:-])(1[0-2]|0?[1-9])[/-]((?:19|20)\d\d)(?![\d/]|[.-]\d)/y;
/** A bare month needs a cue: "in May", "since March", "last April"; capitalised to skip the modal "may". */
const CUED_MONTH =
  /[a-z]+[ \t]+(?:of[ \t]+)?((?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?)/iy;
const MONTH_CUES = new Set([
  'in',
  'since',
  'until',
  'till',
  'during',
  'last',
  'next',
  'this',
  'early',
  'mid',
  'late',
  'by',
  'before',
  'after',
  'through',
  'from',
  'of',
  'every',
  'each',
  'around',
  'throughout',
  'thru',
]);
const PLAIN_MONTHS = new Set(['january', 'february', 'september', 'october', 'november', 'december', 'july']);
const MONTH_KEYS = new Set([
  'jan',
  'january',
  'feb',
  'february',
  'mar',
  'march',
  'apr',
  'april',
  'may',
  'jun',
  'june',
  'jul',
  'july',
  'aug',
  'august',
  'sep',
  'sept',
  'september',
  'oct',
  'october',
  'nov',
  'november',
  'dec',
  'december',
]);
const WEEKDAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
/** "works Saturdays", "visits Tuesdays": a recurring day names it as surely. */
const WEEKDAY_PLURALS = new Set([...WEEKDAYS].map((d) => `${d}s`));
/** Abbreviations that are no English word: flagged in any case ("cant make it thurs"). */
const PLAIN_WEEKDAY_ABBREVIATIONS = new Set(['tue', 'tues', 'thu', 'thur', 'thurs', 'weds', 'fri']);
const WEEKDAY_ABBREVIATIONS = new Set([
  'tue',
  'tues',
  'thu',
  'thur',
  'thurs',
  'fri',
  'mon',
  'wed',
  'sat',
  'sun',
  'weds',
]);
const HOLIDAYS =
  /(?:christmas(?: eve| day)?|thanksgiving|easter(?: sunday)?|halloween|hanukkah|new year'?s(?: eve| day)?|fourth of july|july 4th|independence day|memorial day|labor day|valentine'?s day|mother'?s day|father'?s day|veterans day|mlk day|juneteenth|ramadan|yom kippur|rosh hashanah|diwali|eid)\b/iy;
const HOLIDAY_STARTS: ReadonlySet<string> = new Set([
  'christmas',
  'thanksgiving',
  'easter',
  'halloween',
  'hanukkah',
  'new',
  'fourth',
  'july',
  'independence',
  'memorial',
  'labor',
  'valentine',
  'valentines',
  'mother',
  'mothers',
  'father',
  'fathers',
  'veterans',
  'mlk',
  'juneteenth',
  'ramadan',
  'yom',
  'rosh',
  'diwali',
  'eid',
]);
const DATE_CUE =
  /\b(?:on|since|from|until|till|to|dated?|seen|last|next|by|before|after|starting|started|effective|dos|appt|appointment|session|admitted|admission|discharged|discharge|returned|visit|f\/u|follow[- ]?up|scheduled|born|dob|due|through|thru|between|contact|call|called)\W{0,3}$/i;
/** Cues that say a date follows, unlike "to", "from" and "by", which also take amounts. */
const STRONG_DATE_CUE =
  /\b(?:on|since|until|till|dated?|seen|last|next|before|after|starting|started|effective|dos|appt|appointment|session|admitted|admission|discharged|discharge|d\/c|dc'?d|returned|visit|f\/u|follow[- ]?up|scheduled|born|dob|due|mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\W{0,3}$/i;
/** Ventilator settings and IV fluids written as ratios: "PSV 10/5", "PS 8/5", "D5 1/2". */
const SETTING_CUE =
  /\b(?:psv?|peep|cpap|bi-?pap|ps|d5w?|ivf|fluids?|flowby|vent|settings?|a\/?c|simv|imv)\W{0,3}(?:overnight\W{0,3})?$/i;
/** Fractions and ratios before a unit or solution: "1/2 NS", "3/4 str", "1 1/2 hrs", "10/5PEEP". */
const QUANTITY_AFTER =
  /^(?:[A-Za-z%]|[ \t]*(?:ns|str|strength|hrs?|hours?|peep|tabs?|cups?|dose|bi-?pap|cpap|fio2|breaths)\b)/i;
const SCORE_CUE =
  /\b(?:score[sd]?|scored|rated?|rating|pain|strength|level|out of|phq|gad|bp|blood pressure|grade|mood|anxiety|sleep|x)\W{0,12}$/i;

function validMonthDay(m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  out.push({ start, end, type: 'DATE', confidence, source });
}

// One trigger set for every word a date pattern can start at; wordDates() tells them apart.
const ANY_BIT = triggerBit(
  new Set([
    ...MONTH_KEYS,
    ...WEEKDAYS,
    ...WEEKDAY_PLURALS,
    ...WEEKDAY_ABBREVIATIONS,
    ...MONTH_CUES,
    ...COMPACT_STARTS,
    ...HOLIDAY_STARTS,
    'the',
  ]),
);

function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

export function detectDates(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  for (const t of tokens) {
    if (t.shape === 'digit') numericDates(text, t, out);
    else if ((t.info?.triggers ?? 0) & ANY_BIT) wordDates(text, t, out);
  }
  return out;
}

function numericDates(text: string, t: Token, out: Span[]): void {
  const p = t.start;
  let m = at(DAY_MONTH, text, p);
  if (m && !(/\b(?:may|mar|jan|dec|jun)\b/.test(m[0]) && !/\d{4}|['’]\d\d/.test(m[0]))) {
    push(out, p, p + m[0].length, 0.95, 'date:month-name');
  }
  m = at(NUMERIC_FULL, text, p);
  if (m) {
    const [a, b] = m[1] !== undefined ? [Number(m[1]), Number(m[3])] : [Number(m[7]), Number(m[8])];
    // "AC 700x12/10/40%", "PSV 10/5/50%": ventilator settings, not a date.
    const settings = text.charCodeAt(p + m[0].length) === 37 || /[x×]$/i.test(text.slice(p - 1, p));
    // A four-digit year a living person's record can hold; "1.2.3456" is a version number.
    const year = m[4] ?? m[5] ?? '';
    const plausible = year.length !== 4 || (Number(year) >= 1850 && Number(year) <= 2150);
    // US order first, then day-first (22/07/2024); "1.5.10" is a version number.
    // "1.5.10" is a version number, unless a date label comes first ("DOS 11.04.24").
    const dottedShort =
      m[2] === '.' && (m[4]?.length ?? 0) === 2 && !STRONG_DATE_CUE.test(text.slice(Math.max(0, p - 16), p));
    if (plausible && !settings && (validMonthDay(a, b) || validMonthDay(b, a)) && !dottedShort) {
      push(out, p, p + m[0].length, 0.95, 'date:numeric');
      return;
    }
  }
  m = at(MONTH_FULL_YEAR, text, p);
  if (m && !SCORE_CUE.test(text.slice(Math.max(0, p - 24), p))) {
    push(out, p, p + m[0].length, 0.8, 'date:month-year');
    return;
  }
  m = at(NUMERIC_SHORT, text, p);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const before = text.slice(Math.max(0, p - 24), p);
    const cue = DATE_CUE.test(before);
    const after = text.slice(p + m[0].length, p + m[0].length + 8);
    // 7/10 pain, 4/5 strength, 3/3 items, "1/2 NS", "PSV 10/5": ratings, fractions and settings.
    const strongCue = STRONG_DATE_CUE.test(before);
    // "inattentive 7/9, hyperactive 5/9": a count of symptoms after an adjective.
    const afterAdjective = !cue && /[a-z](?:ive|al|ic|ous)[ \t:]*$/i.test(before) && a <= b;
    const rating =
      afterAdjective ||
      (!cue && (SCORE_CUE.test(before) || ([3, 4, 5, 10].includes(b) && a <= b))) ||
      (!strongCue &&
        (([2, 4, 8].includes(b) && a < b) || SETTING_CUE.test(before) || QUANTITY_AFTER.test(after)));
    const ratingAfterCue = cue && b === 10 && a <= 10 && /\/10\b/.test(text.slice(Math.max(0, p - 40), p));
    if (
      validMonthDay(a, b) &&
      !rating &&
      !ratingAfterCue &&
      !/^[ \t]*(?:mg|ml|tabs?|times|x|%|scale|points?|items?|correct)/i.test(after) &&
      (cue || !/^[ \t]*on\b/i.test(after))
    ) {
      push(out, p, p + m[0].length, cue ? 0.85 : 0.6, 'date:month-day');
    } else if (
      // "MI 7/81", "echo 8/87": a month and a two-digit year (a day is never over 31).
      a >= 1 &&
      a <= 12 &&
      (m[2] as string).length === 2 &&
      b > 31 &&
      !SCORE_CUE.test(before) &&
      !SETTING_CUE.test(before) &&
      !/^[ \t]*(?:mg|ml|%|mmhg|[a-z])/i.test(after)
    ) {
      push(out, p, p + m[0].length, 0.6, 'date:month-year');
    }
  }
  m = at(NUMERIC_SHORT_DASH, text, p);
  // "on 7-22" is a date; "to 7.5mcg", "from 12.5 to 25", "2-4L", "5-6/3-4" are amounts.
  const dotted = m?.[0].includes('.') ?? false;
  if (
    m &&
    validMonthDay(Number(m[1]), Number(m[2])) &&
    (dotted ? STRONG_DATE_CUE : DATE_CUE).test(text.slice(Math.max(0, p - 16), p)) &&
    !/^[A-Za-z/(]/.test(text.slice(p + m[0].length, p + m[0].length + 1))
  ) {
    if (
      !/^[ \t]*(?:mg|ml|times|x|days?|weeks?|months?|years?|hours?|hrs?|min|%|points?)\b/i.test(
        text.slice(p + m[0].length, p + m[0].length + 10),
      )
    ) {
      push(out, p, p + m[0].length, 0.7, 'date:month-day');
    }
  }
  // "'92" stands in for a date the writer shortened (often a birth year next to a removed
  // month); flagged fail-closed, unlike a four-digit bare year.
  const q = text.charCodeAt(p - 1);
  if (
    t.text.length === 2 &&
    (q === 39 || q === 8217) &&
    !/[\w'’]/.test(text[p - 2] ?? ' ') &&
    !/[\w'’]/.test(text[t.end] ?? ' ')
  ) {
    push(out, p - 1, t.end, 0.6, 'date:short-year');
  }
}

function wordDates(text: string, t: Token, out: Span[]): void {
  const p = t.start;
  const k = t.key;
  let m: RegExpExecArray | null;
  if (MONTH_KEYS.has(k)) {
    m = at(MONTH_DAY, text, p);
    // "may 5" with lowercase "may" is usually the modal verb followed by a number.
    if (m && !(/\b(?:may|mar|jan|dec|jun)\b/.test(m[0]) && !/\d{4}|['’]\d\d/.test(m[0])))
      push(out, p, p + m[0].length, 0.95, 'date:month-name');
    m = at(MONTH_YEAR, text, p);
    if (m && !/^(?:may|march|mar)\b/.test(m[0])) push(out, p, p + m[0].length, 0.9, 'date:month-year');
    if (PLAIN_MONTHS.has(k) && t.shape === 'cap') push(out, p, t.end, 0.75, 'date:month');
  }
  // A weekday is flagged although the PhysioNet gold standard does not mark "on Monday": with
  // the note's date it gives the day (fail closed; Presidio's and our corpora mark it).
  if (WEEKDAYS.has(k) || WEEKDAY_PLURALS.has(k) || PLAIN_WEEKDAY_ABBREVIATIONS.has(k))
    push(out, p, t.end, 0.7, 'date:weekday');
  else if (WEEKDAY_ABBREVIATIONS.has(k) && t.shape === 'cap') {
    // "Sat", "Sun", "Mon", "Wed" are words too: only with a number after them ("Sat 7/22").
    const ambiguous = k === 'sat' || k === 'sun' || k === 'mon' || k === 'wed';
    // "Sat 7/22", "next session Wed.": with a number after or a scheduling word before.
    const scheduled = /\b(?:next|on|this|every|until|by|session|appt|group|due)[ \t]+$/i.test(
      text.slice(Math.max(0, p - 12), p),
    );
    if (!ambiguous || scheduled || /^\.?,?[ \t]*\d/.test(text.slice(t.end, t.end + 5)))
      push(out, p, t.end, 0.7, 'date:weekday');
  }
  if (MONTH_CUES.has(k)) {
    m = at(CUED_MONTH, text, p);
    // Capitalised, or a lowercase month that is no verb or modal ("since august", not "may").
    if (m && (/^[A-Z]/.test(m[1] as string) || !/^(?:may|march|mar|jan|jun|dec)\b/i.test(m[1] as string))) {
      const value = (m[1] as string).replace(/\.$/, '');
      const start = p + m[0].length - (m[1] as string).length;
      push(out, start, start + value.length, 0.8, 'date:month');
    }
  }
  if (k === 'the') {
    m = at(ORDINAL_DAY, text, p);
    // "last Tuesday the 3rd she called": after a weekday, "the 3rd" is a day whatever follows.
    if (
      !m &&
      WEEKDAYS.has(/([a-z]+)[ \t,]*$/i.exec(text.slice(Math.max(0, p - 12), p))?.[1]?.toLowerCase() ?? '')
    ) {
      m = at(ORDINAL_DAY_ANY, text, p);
    }
    // "the 5th" whole: the article goes with the day ("rent due [DATE]", not "due the [DATE]").
    if (m) push(out, p, p + m[0].length, 0.7, 'date:ordinal');
  }
  if (COMPACT_STARTS.has(k)) {
    m = at(COMPACT, text, p);
    if (m) push(out, p + m[0].length - 8, p + m[0].length, 0.9, 'date:compact');
  }
  if (HOLIDAY_STARTS.has(k)) {
    m = at(HOLIDAYS, text, p);
    if (m) push(out, p, p + m[0].length, 0.65, 'date:holiday');
  }
}
