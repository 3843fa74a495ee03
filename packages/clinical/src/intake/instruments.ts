import {
  FREQUENCY_ANSWERS,
  GAD7,
  PHQ2,
  PHQ9,
  PHQ9_ITEM9,
  severityOf,
  type SummedInstrument,
} from '../instruments/definitions.js';
import { itemCodeOf, normalize } from './text.js';
import type { IntakeAnswerInput, IntakeScore } from './types.js';

/**
 * PHQ-9, PHQ-2 and GAD-7 items asked inside an intake form. An item is known by its LOINC
 * code, or by the instrument's standard wording (Kroenke, Spitzer & Williams 2001; Spitzer et
 * al. 2006), loosely matched so that forms that shorten or rephrase an item still score:
 * "Little interest or pleasure in doing things?", "Over the last 2 weeks, how often have you
 * been bothered by feeling down, depressed or hopeless", "Trouble relaxing". A wording match
 * counts only when the answer is on the instrument's 0–3 frequency scale, so a question that
 * merely resembles an item ("Do you have trouble sleeping?" — "yes") is never scored.
 */

/** The standard wording of each item, as patterns on normalized text. */
const ITEM_WORDING: readonly (readonly [code: string, pattern: RegExp])[] = [
  // PHQ-9 (items 1 and 2 are the PHQ-2).
  ['44250-9', /\blittle interest\b|\binterest or pleasure\b/],
  ['44255-8', /\bdown depressed\b|\bdepressed or hopeless\b|\bfeeling down\b.*\bhopeless\b/],
  ['44259-0', /\b(?:falling|staying) asleep\b|\bsleeping too much\b/],
  ['44254-1', /\bfeeling tired\b|\blittle energy\b/],
  ['44251-7', /\bpoor appetite\b|\bovereating\b/],
  ['44258-2', /\bfeeling bad about yourself\b|\byou are a failure\b|\blet yourself or your family down\b/],
  ['44252-5', /\btrouble concentrating\b/],
  ['44253-3', /\bmoving or speaking so slowly\b|\bfidgety or restless\b|\bmoving around a lot more\b/],
  [PHQ9_ITEM9, /\bbetter off dead\b|\bhurting yourself in some way\b/],
  // GAD-7.
  ['69725-0', /\bnervous anxious\b|\bnervous anxious or on edge\b|\banxious or on edge\b/],
  ['68509-9', /\bstop or control worrying\b|\bcontrol (?:your )?worry/],
  ['69733-4', /\bworrying too much\b/],
  ['69734-2', /\btrouble relaxing\b/],
  ['69735-9', /\bso restless that it is hard to sit still\b|\bhard to sit still\b/],
  ['69689-8', /\beasily annoyed\b|\bannoyed or irritable\b/],
  ['69736-7', /\bafraid as if something awful\b|\bsomething awful might happen\b/],
];

/** Totals a form may carry, by code or wording ("PHQ-9 total score", "GAD7 score"). */
const TOTAL_WORDING: readonly (readonly [def: SummedInstrument, pattern: RegExp])[] = [
  [PHQ9, /\bphq ?-?9\b.*\b(?:total|score)\b/],
  [PHQ2, /\bphq ?-?2\b.*\b(?:total|score)\b/],
  [GAD7, /\bgad ?-?7\b.*\b(?:total|score)\b/],
];

const FREQUENCY_WORDS: readonly (readonly [number, RegExp])[] = [
  [0, /^not at all\b/],
  [1, /^several days\b/],
  [2, /^more than half (?:of )?the days\b/],
  [3, /^(?:nearly|almost) every ?day\b/],
];

/**
 * The 0–3 value of an answer: a digit ("2", "2 - More than half the days"), the scale's words,
 * or its LOINC answer code. undefined when it is none of these; a number outside 0–3 is
 * returned as it is, for the caller to refuse with a clear reason.
 */
export function frequencyValue(answer: string): number | undefined {
  const trimmed = answer.trim();
  const code = FREQUENCY_ANSWERS[trimmed];
  if (code !== undefined) return code;
  const digits = /^(\d+)(?:\s*(?:[-–:=(]|$))/.exec(trimmed);
  if (digits) return Number(digits[1]);
  const text = normalize(trimmed);
  return FREQUENCY_WORDS.find(([, pattern]) => pattern.test(text))?.[0];
}

interface ItemAnswer {
  readonly code: string;
  readonly value: number;
  readonly index: number;
}

interface Found {
  readonly items: ItemAnswer[];
  readonly totals: Map<SummedInstrument, number>;
  readonly problems: Map<string, string>;
  /** Indexes of the answers that were instrument items or totals. */
  readonly used: Set<number>;
}

const ALL_ITEMS = new Set([...PHQ9.items, ...GAD7.items]);
const TOTALS = [PHQ9, PHQ2, GAD7];

function itemOf(answer: IntakeAnswerInput): { code: string; byCode: boolean } | undefined {
  const code = itemCodeOf(answer);
  if (code && ALL_ITEMS.has(code)) return { code, byCode: true };
  if (code) return undefined;
  const text = normalize(answer.question);
  const match = ITEM_WORDING.find(([, pattern]) => pattern.test(text));
  return match ? { code: match[0], byCode: false } : undefined;
}

function totalOf(answer: IntakeAnswerInput): SummedInstrument | undefined {
  const code = itemCodeOf(answer);
  if (code) return TOTALS.find((d) => d.total === code);
  const text = normalize(answer.question);
  return TOTAL_WORDING.find(([, pattern]) => pattern.test(text))?.[0];
}

function collect(answers: readonly IntakeAnswerInput[]): Found {
  const found: Found = { items: [], totals: new Map(), problems: new Map(), used: new Set() };
  answers.forEach((answer, index) => {
    const total = totalOf(answer);
    if (total) {
      const value = /^\s*(\d+)\s*$/.exec(answer.answer)?.[1];
      if (value !== undefined) {
        found.totals.set(total, Number(value));
        found.used.add(index);
      }
      return;
    }
    const item = itemOf(answer);
    if (!item || found.items.some((i) => i.code === item.code)) return;
    const value = frequencyValue(answer.answer);
    if (value === undefined) {
      // A coded item whose answer is not on the scale is still this instrument's item: say so.
      if (item.byCode) found.problems.set(item.code, `item ${item.code}: the answer is not on the 0–3 scale`);
      return;
    }
    found.used.add(index);
    if (!Number.isInteger(value) || value < 0 || value > 3) {
      found.problems.set(item.code, `item ${item.code}: value ${value} is outside the allowed range 0–3`);
      return;
    }
    found.items.push({ code: item.code, value, index });
  });
  return found;
}

function scoreOf(def: SummedInstrument, found: Found): IntakeScore {
  const items: Record<string, number> = {};
  for (const i of found.items) if (def.items.includes(i.code)) items[i.code] = i.value;
  const answered = Object.keys(items).length;
  const problems = def.items.flatMap((code) => {
    const problem = found.problems.get(code);
    return problem ? [problem] : [];
  });
  const recorded = found.totals.get(def);
  const sum = answered === def.items.length ? Object.values(items).reduce((a, b) => a + b, 0) : null;
  const warnings = [...problems];
  if (recorded !== undefined && sum !== null && recorded !== sum)
    warnings.push(`the recorded total ${recorded} differs from the items' sum ${sum}`);
  const max = def.items.length * def.itemMax;
  const validRecorded = recorded !== undefined && recorded <= max ? recorded : undefined;
  if (recorded !== undefined && validRecorded === undefined)
    warnings.push(`the recorded total ${recorded} is outside the allowed range 0–${max}`);
  const total = validRecorded ?? sum;
  return {
    instrument: def.id,
    loinc: def.total,
    total,
    totalSource: validRecorded !== undefined ? 'recorded' : 'computed',
    items,
    itemsExpected: def.items.length,
    severity: total === null ? null : severityOf(def, total),
    reason:
      total !== null
        ? null
        : problems.length > 0
          ? `not scored: ${problems.join('; ')}`
          : `not scored: ${answered} of ${def.items.length} items answered and no total recorded`,
    warnings,
  };
}

export interface IntakeScoring {
  readonly scores: IntakeScore[];
  /** PHQ-9 item 9 when answered on the scale. */
  readonly phq9Item9: number | null;
  /** Indexes of answers that were instrument items or totals (not free text). */
  readonly used: ReadonlySet<number>;
}

/**
 * Scores the PHQ-9, PHQ-2 and GAD-7 found in the answers. The PHQ-2 shares its items with the
 * PHQ-9: a form with PHQ-9 items beyond the first two (or a PHQ-9 total) is a PHQ-9, a form
 * with only the first two (or a PHQ-2 total) a PHQ-2.
 */
export function scoreIntakeInstruments(answers: readonly IntakeAnswerInput[]): IntakeScoring {
  const found = collect(answers);
  const codes = new Set([...found.items.map((i) => i.code), ...found.problems.keys()]);
  const scores: IntakeScore[] = [];
  const phq9Beyond2 = PHQ9.items.slice(2).some((c) => codes.has(c));
  if (phq9Beyond2 || found.totals.has(PHQ9)) scores.push(scoreOf(PHQ9, found));
  else if (PHQ2.items.some((c) => codes.has(c)) || found.totals.has(PHQ2)) scores.push(scoreOf(PHQ2, found));
  if (GAD7.items.some((c) => codes.has(c)) || found.totals.has(GAD7)) scores.push(scoreOf(GAD7, found));
  const item9 = found.items.find((i) => i.code === PHQ9_ITEM9)?.value ?? null;
  return { scores, phq9Item9: item9, used: found.used };
}
