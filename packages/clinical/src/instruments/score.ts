import { CareRelayError } from '@carerelay/errors';
import type {
  Coding,
  Observation,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
} from '@medplum/fhirtypes';
import { answerNumber, checkRange, type AnswerValue } from './answers.js';
import {
  CSSRS_ITEM_CODES,
  CSSRS_RISK_LEVEL_CODE,
  cssrsLevel,
  cssrsQuestionOf,
  type CssrsLevel,
  type CssrsQuestion,
} from './cssrs.js';
import {
  LOINC_SYSTEM,
  PHQ2,
  PHQ9,
  PHQ9_ITEM9,
  SUMMED_INSTRUMENTS,
  maxTotal,
  severityOf,
  type InstrumentId,
  type Severity,
  type SummedInstrument,
} from './definitions.js';

export interface InstrumentWarning {
  /** TOTAL_MISMATCH: recorded total ≠ items' sum; CSSRS_INCOMPLETE: Q1, Q2 or Q6 unanswered. */
  readonly code: 'TOTAL_MISMATCH' | 'CSSRS_INCOMPLETE';
  readonly message: string;
}

export interface InstrumentScore {
  readonly instrument: InstrumentId;
  /** LOINC code of the total (C-SSRS: the risk-level code 93374-7, see cssrs.ts). */
  readonly loinc: string;
  /** When the form was completed: QuestionnaireResponse.authored or Observation.effective[x]. */
  readonly date: string;
  /** null when no total was recorded and the items are incomplete (see `reason`); always null for C-SSRS. */
  readonly total: number | null;
  /** 'recorded': the EHR sent the total; 'computed': CareRelay summed the items (or could not). */
  readonly totalSource: 'recorded' | 'computed';
  /** Why `total` is null. */
  readonly reason?: string;
  /** Item scores by LOINC item code (C-SSRS: 1 = yes, 0 = no); never contains a total code. */
  readonly items: Readonly<Record<string, number>>;
  /** PHQ-9 item 9 (44260-8) when answered: > 0 needs same-day follow-up whatever the total. */
  readonly item9?: number;
  readonly severity: Severity | null;
  readonly cssrsLevel?: CssrsLevel;
  readonly warnings: readonly InstrumentWarning[];
}

/** One coded value found in a resource: the code (LOINC or canonical C-SSRS code) and its number. */
interface Entry {
  readonly code: string;
  readonly value: number;
}

type Role = { readonly def: SummedInstrument; readonly role: 'panel' | 'total' | 'item' };

const ROLES = new Map<string, Role[]>();
for (const def of SUMMED_INSTRUMENTS) {
  const add = (code: string, role: Role['role']): void => {
    ROLES.set(code, [...(ROLES.get(code) ?? []), { def, role }]);
  };
  add(def.panel, 'panel');
  add(def.total, 'total');
  for (const item of def.items) add(item, 'item');
}

/** The known code a candidate denotes: a LOINC code of a summed instrument or a C-SSRS question. */
function knownCode(candidate: string): string | undefined {
  if (ROLES.has(candidate) || candidate === CSSRS_RISK_LEVEL_CODE) return candidate;
  const question = cssrsQuestionOf(candidate);
  return question === undefined ? undefined : CSSRS_ITEM_CODES[question];
}

/** Panels and the C-SSRS risk level are recognized but carry no score CareRelay reads. */
const carriesScore = (code: string): boolean =>
  code !== CSSRS_RISK_LEVEL_CODE && !(ROLES.get(code) ?? []).some((r) => r.role === 'panel');

const isLoinc = (c: Coding): boolean => c.system === undefined || c.system === LOINC_SYSTEM;

/**
 * The code of a QuestionnaireResponse item. R4 items carry linkId and definition only; some EHRs
 * also copy the Questionnaire's `code` onto the item, so that is read first. LHC-Forms linkIds are
 * paths ("/44249-1/44250-9"), hence the last segment.
 */
function itemCode(item: QuestionnaireResponseItem): string | undefined {
  const copied = (item as { code?: readonly Coding[] }).code ?? [];
  const candidates = [
    ...copied.filter(isLoinc).map((c) => c.code ?? ''),
    item.linkId,
    item.linkId.split('/').pop() ?? '',
    (item.definition ?? '').split(/[#/]/).pop() ?? '',
  ];
  for (const candidate of candidates) {
    const code = knownCode(candidate);
    if (code !== undefined) return code;
  }
  return undefined;
}

function collectItems(items: readonly QuestionnaireResponseItem[], out: Entry[], seen: Set<string>): void {
  for (const item of items) {
    const code = itemCode(item);
    if (code !== undefined) seen.add(code);
    for (const answer of item.answer ?? []) {
      if (code !== undefined && carriesScore(code)) {
        const value = answerNumber(answer, code);
        if (value !== undefined) out.push({ code, value });
      }
      collectItems(answer.item ?? [], out, seen);
    }
    collectItems(item.item ?? [], out, seen);
  }
}

/**
 * Scores every instrument found in a QuestionnaireResponse (e.g. a combined intake form).
 * Throws INSTRUMENT_UNRECOGNIZED when none is found.
 */
export function scoreQuestionnaireResponses(qr: QuestionnaireResponse): InstrumentScore[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  collectItems(qr.item ?? [], entries, seen);
  const date = qr.authored ?? qr.meta?.lastUpdated;
  return scoreAll(entries, seen, date, 'QuestionnaireResponse', qr.questionnaire ?? '');
}

/**
 * What a QuestionnaireResponse is, for routing: `instrument` when it carries a PHQ-9, PHQ-2,
 * GAD-7 or C-SSRS item (a screen to score at once, even inside a combined intake form), and
 * `intake` when it is more than a score form: its questionnaire names no instrument panel and
 * some answered item is not an instrument's.
 */
export function questionnaireKinds(qr: QuestionnaireResponse): { instrument: boolean; intake: boolean } {
  let known = 0;
  let other = 0;
  const visit = (items: readonly QuestionnaireResponseItem[]): void => {
    for (const item of items) {
      const answered = (item.answer ?? []).length > 0;
      if (itemCode(item) !== undefined) known += 1;
      else if (answered && item.item === undefined) other += 1;
      for (const answer of item.answer ?? []) visit(answer.item ?? []);
      visit(item.item ?? []);
    }
  };
  visit(qr.item ?? []);
  const canonical = qr.questionnaire ?? '';
  const panel = SUMMED_INSTRUMENTS.some((def) => canonical.includes(def.panel));
  return { instrument: panel || known > 0, intake: !panel && other > 0 };
}

/** Scores the one instrument of a QuestionnaireResponse; INSTRUMENT_AMBIGUOUS if it holds several. */
export function scoreQuestionnaireResponse(qr: QuestionnaireResponse): InstrumentScore {
  return single(scoreQuestionnaireResponses(qr), 'QuestionnaireResponse');
}

/**
 * Scores an Observation: a total (code 44261-6 with a value), a panel with components, or a total
 * with item components. Members referenced by `hasMember` are not fetched here.
 */
export function scoreObservation(obs: Observation): InstrumentScore {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const read = (codings: readonly Coding[] | undefined, value: AnswerValue): void => {
    for (const coding of (codings ?? []).filter(isLoinc)) {
      const code = knownCode(coding.code ?? '');
      if (code === undefined) continue;
      seen.add(code);
      if (!carriesScore(code)) return;
      const n = answerNumber(value, code);
      if (n !== undefined) entries.push({ code, value: n });
      return;
    }
  };
  read(obs.code.coding, obs);
  for (const component of obs.component ?? []) read(component.code.coding, component);
  const date = obs.effectiveDateTime ?? obs.effectivePeriod?.start ?? obs.effectiveInstant ?? obs.issued;
  return single(scoreAll(entries, seen, date, 'Observation', ''), 'Observation');
}

function single(scores: InstrumentScore[], kind: string): InstrumentScore {
  if (scores.length === 1) return scores[0]!;
  throw new CareRelayError(
    'INSTRUMENT_AMBIGUOUS',
    `${kind} holds ${scores.length} instruments (${scores.map((s) => s.instrument).join(', ')}); score them with scoreQuestionnaireResponses`,
    { httpStatus: 422 },
  );
}

function scoreAll(
  entries: readonly Entry[],
  seen: ReadonlySet<string>,
  date: string | undefined,
  kind: string,
  questionnaire: string,
): InstrumentScore[] {
  const found = new Set<InstrumentId>();
  for (const code of seen) {
    if (code === CSSRS_RISK_LEVEL_CODE || cssrsQuestionOf(code) !== undefined) found.add('C-SSRS');
    for (const { def } of ROLES.get(code) ?? []) found.add(def.id);
  }
  // PHQ-2's items are PHQ-9's first two: a form with any other PHQ-9 code, or a PHQ-9 questionnaire,
  // is a PHQ-9, and a PHQ-2 subtotal inside it is not a second instrument.
  const phq9Only = [...seen].some(
    (c) => ROLES.get(c)?.some((r) => r.def === PHQ9) && !PHQ2.items.includes(c),
  );
  if (phq9Only || questionnaire.includes(PHQ9.panel)) found.delete('PHQ-2');
  else if (found.has('PHQ-2')) found.delete('PHQ-9');
  if (found.size === 0) {
    throw new CareRelayError(
      'INSTRUMENT_UNRECOGNIZED',
      `${kind} carries no PHQ-9, PHQ-2, GAD-7 or C-SSRS code`,
      {
        httpStatus: 422,
      },
    );
  }
  if (date === undefined) {
    throw new CareRelayError('INSTRUMENT_DATE_MISSING', `${kind} has no date (authored / effective[x])`, {
      httpStatus: 422,
    });
  }
  return [...found].map((id) =>
    id === 'C-SSRS'
      ? scoreCssrs(entries, date)
      : scoreSummed(
          SUMMED_INSTRUMENTS.find((d) => d.id === id)!,
          entries,
          date,
        ),
  );
}

/** Item values by code; the same item answered twice with different values is rejected. */
function itemValues(
  entries: readonly Entry[],
  codes: readonly string[],
  label: string,
): Record<string, number> {
  const items: Record<string, number> = {};
  for (const { code, value } of entries) {
    if (!codes.includes(code)) continue;
    if (items[code] !== undefined && items[code] !== value) {
      throw new CareRelayError(
        'INSTRUMENT_ANSWER_CONFLICT',
        `${label} item ${code} is answered twice with different values`,
        {
          httpStatus: 422,
          details: { code },
        },
      );
    }
    items[code] = value;
  }
  return items;
}

function scoreSummed(def: SummedInstrument, entries: readonly Entry[], date: string): InstrumentScore {
  const items = itemValues(entries, def.items, def.id);
  for (const [code, value] of Object.entries(items))
    checkRange(`${def.id} item`, code, value, def.itemMin, def.itemMax);
  const recorded = entries.find((e) => e.code === def.total)?.value;
  if (recorded !== undefined) checkRange(`${def.id} total`, def.total, recorded, 0, maxTotal(def));
  const answered = def.items.filter((c) => items[c] !== undefined);
  const sum = answered.reduce((acc, c) => acc + items[c]!, 0);
  const complete = answered.length === def.items.length;
  const warnings: InstrumentWarning[] = [];
  let total: number | null;
  let reason: string | undefined;
  if (recorded !== undefined) {
    total = recorded;
    if ((complete && sum !== recorded) || sum > recorded) {
      warnings.push({
        code: 'TOTAL_MISMATCH',
        message: `${def.id} recorded total ${recorded} (${def.total}) disagrees with the items' sum ${sum}${complete ? '' : ` over ${answered.length} of ${def.items.length} items`}`,
      });
    }
  } else if (complete) {
    total = sum;
  } else {
    total = null;
    const missing = def.items.filter((c) => items[c] === undefined);
    reason = `no total recorded and ${missing.length} of ${def.items.length} items unanswered (${missing.join(', ')})`;
  }
  const item9 = def.id === 'PHQ-9' ? items[PHQ9_ITEM9] : undefined;
  return {
    instrument: def.id,
    loinc: def.total,
    date,
    total,
    totalSource: recorded !== undefined ? 'recorded' : 'computed',
    ...(reason !== undefined ? { reason } : {}),
    items,
    ...(item9 !== undefined ? { item9 } : {}),
    severity: total === null ? null : severityOf(def, total),
    warnings,
  };
}

/**
 * A screener with no answered question is rejected rather than scored NONE: a form carrying only
 * a recorded risk level (93374-7) must not read as "no risk". Q1, Q2 and Q6 are always asked, so
 * one of them missing gives a warning: the level may then be too low.
 */
function scoreCssrs(entries: readonly Entry[], date: string): InstrumentScore {
  const codes = Object.values(CSSRS_ITEM_CODES);
  const items = itemValues(entries, codes, 'C-SSRS');
  const answers: Partial<Record<CssrsQuestion, boolean>> = {};
  for (const [code, value] of Object.entries(items)) {
    checkRange('C-SSRS item', code, value, 0, 1);
    answers[cssrsQuestionOf(code)!] = value === 1;
  }
  if (Object.keys(answers).length === 0) {
    throw new CareRelayError('INSTRUMENT_NO_ANSWERS', 'C-SSRS screener has no answered question (Q1–Q6)', {
      httpStatus: 422,
    });
  }
  const unasked = (['Q1', 'Q2', 'Q6'] as const).filter((q) => answers[q] === undefined);
  return {
    instrument: 'C-SSRS',
    loinc: CSSRS_RISK_LEVEL_CODE,
    date,
    total: null,
    totalSource: 'computed',
    reason: 'the C-SSRS screener has a risk level, not a total',
    items,
    severity: null,
    cssrsLevel: cssrsLevel(answers),
    warnings:
      unasked.length === 0
        ? []
        : [
            {
              code: 'CSSRS_INCOMPLETE',
              message: `C-SSRS ${unasked.join(', ')} unanswered: the level counts them as no and may be too low`,
            },
          ],
  };
}
