import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';

// Safe Harbor (164.514(b)(2)(i)(C)): ages over 89 are identifiers; 89 and under are not.

const NUM = String.raw`(\d{2,3})`;
const SUBJECTS = new Set([
  'he',
  'she',
  'pt',
  'patient',
  'client',
  'resident',
  'who',
  'mom',
  'mother',
  'dad',
  'father',
  'husband',
  'wife',
  'grandma',
  'grandpa',
  'grandmother',
  'grandfather',
]);
/** Tried at number tokens: "92-year-old", "93 yrs old", "94 yo", "95 y/o F". */
const AFTER_NUMBER = [
  new RegExp(String.raw`${NUM}[ \t-]*(?:years?|yrs?|y)[ \t-]*(?:old|of age|o\.?)\b`, 'iy'),
  new RegExp(String.raw`${NUM}[ \t]*(?:yo|y\/o|y\.o\.?|yoa)[mf]?(?![a-z])`, 'iy'),
  // "her grandmother, 97, moved in", "father (93)": an age set off after the person.
  new RegExp(
    String.raw`(?<=\b(?:${[...SUBJECTS].join('|')}|aunt|uncle|neighbor|neighbour|friend)[ \t]*[,(][ \t]*)${NUM}(?=[ \t]*[,)])`,
    'iy',
  ),
];
/** Tried at their first word: "age 93", "in her 90s", "turned 91". */
const BEFORE_NUMBER: ReadonlyArray<readonly [ReadonlySet<string>, RegExp]> = [
  [new Set(['age', 'ages', 'aged']), new RegExp(String.raw`(?:age[ds]?|aged)[ \t:]*${NUM}\b`, 'iy')],
  [new Set(['in']), /in (?:his|her|their) (?:late |early |mid-?)?(90s|nineties|100s)\b/iy],
  [
    new Set(['turned', 'turns', 'turning', 'is', 'celebrated']),
    new RegExp(String.raw`(?:turned|turns|turning|is now|celebrated (?:his|her|their))[ \t]+${NUM}\b`, 'iy'),
  ], // "He is 94 and", "mom was 91 when": a person as subject, and no unit after the number.
  [
    SUBJECTS,
    new RegExp(
      String.raw`(?:he|she|pt|patient|client|resident|who|mom|mother|dad|father|husband|wife|grandma|grandpa|grandmother|grandfather)[ \t]+(?:is|was)[ \t]+(?:now[ \t]+|almost[ \t]+|nearly[ \t]+)?${NUM}\b(?![ \t]*(?:%|°|\/|\.\d|(?:mg|mcg|kg|lbs?|pounds?|cm|mm|in|inches|ft|feet|degrees?|bpm|min|minutes?|hours?|hrs?|days?|weeks?|months?|percent|units?|ml|cc|beats|breaths|points?|on|at|over|for|x)\b))`,
      'iy',
    ),
  ],
];
const AGE_BIT = triggerBit(
  new Set([
    'age',
    'ages',
    'aged',
    'in',
    'turned',
    'turns',
    'turning',
    'is',
    'celebrated',
    'ninety',
    'one',
    ...SUBJECTS,
  ]),
);
const WORD_AGE =
  /((?:ninety|one hundred(?: and)?)(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?)[ -]years?[ -]old\b/iy;

function emit(out: Span[], m: RegExpExecArray, source: string): void {
  const value = m[1] as string;
  const n = /^\d+$/.test(value) ? Number(value) : 90;
  if (n < 90 || n > 125) return;
  const start = m.index + m[0].indexOf(value);
  out.push({ start, end: start + value.length, type: 'AGE', confidence: 0.9, source });
}

export function detectAges(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  for (const t of tokens) {
    if (t.shape === 'digit') {
      if (t.text.length < 2 || t.text.length > 3 || (t.text < '90' && t.text.length === 2)) continue;
      for (const re of AFTER_NUMBER) {
        re.lastIndex = t.start;
        const m = re.exec(text);
        if (m) emit(out, m, 'age:number');
      }
      continue;
    }
    if (!hasTrigger(t, AGE_BIT)) continue;
    for (const [starts, re] of BEFORE_NUMBER) {
      if (!starts.has(t.key)) continue;
      re.lastIndex = t.start;
      const m = re.exec(text);
      if (m) emit(out, m, 'age:number');
    }
    if (t.key === 'ninety' || t.key === 'one') {
      WORD_AGE.lastIndex = t.start;
      const m = WORD_AGE.exec(text);
      if (m)
        out.push({
          start: m.index,
          end: m.index + (m[1] as string).length,
          type: 'AGE',
          confidence: 0.85,
          source: 'age:words',
        });
    }
  }
  return out;
}
