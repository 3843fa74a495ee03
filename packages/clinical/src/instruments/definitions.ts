/**
 * The instruments CareRelay scores, by their codes. Everything downstream (scoring, series,
 * risk triggers) looks items up here by code, never by position or display text: EHRs reorder
 * items, translate the text, and put the total next to the items (issue #14: the PHQ-9 total
 * 44261-6 was once read as an item).
 *
 * Sources: /work/shared/DOMAIN.md "Instruments"; LOINC panels 44249-1 (PHQ-9), 55757-9 (PHQ-2),
 * 69737-5 (GAD-7). The GAD-7 item codes were checked against the HL7 Personal Health Record
 * format IG example (QuestionnaireResponse-ScoredAssessment-GAD7) and an HL7-style GAD-7
 * Questionnaire carrying LOINC item codes; both list them in the order used below.
 */

export type InstrumentId = 'PHQ-9' | 'PHQ-2' | 'GAD-7' | 'C-SSRS';

/** Severity bands of the summed instruments; C-SSRS has levels instead (see cssrs.ts). */
export type Severity =
  'minimal' | 'mild' | 'moderate' | 'moderately severe' | 'severe' | 'negative' | 'positive';

export interface SummedInstrument {
  readonly id: Exclude<InstrumentId, 'C-SSRS'>;
  /** LOINC panel code of the whole form. */
  readonly panel: string;
  /** LOINC code of the total score: never an item. */
  readonly total: string;
  /** LOINC item codes in form order. */
  readonly items: readonly string[];
  readonly itemMin: number;
  readonly itemMax: number;
  /** Lower bound of each band, ascending; the first starts at 0. */
  readonly bands: readonly { readonly min: number; readonly severity: Severity }[];
}

export const LOINC_SYSTEM = 'http://loinc.org';

/** PHQ-9 item 9 ("thoughts that you would be better off dead…"): > 0 needs same-day follow-up. */
export const PHQ9_ITEM9 = '44260-8';

export const PHQ9: SummedInstrument = {
  id: 'PHQ-9',
  panel: '44249-1',
  total: '44261-6',
  items: ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', PHQ9_ITEM9],
  itemMin: 0,
  itemMax: 3,
  bands: [
    { min: 0, severity: 'minimal' },
    { min: 5, severity: 'mild' },
    { min: 10, severity: 'moderate' },
    { min: 15, severity: 'moderately severe' },
    { min: 20, severity: 'severe' },
  ],
};

/**
 * PHQ-2 = the first two PHQ-9 items under their own panel and total. A total ≥ 3 is the usual
 * positive screen (Kroenke, Spitzer & Williams 2003), after which the full PHQ-9 is given.
 */
export const PHQ2: SummedInstrument = {
  id: 'PHQ-2',
  panel: '55757-9',
  total: '55758-7',
  items: ['44250-9', '44255-8'],
  itemMin: 0,
  itemMax: 3,
  bands: [
    { min: 0, severity: 'negative' },
    { min: 3, severity: 'positive' },
  ],
};

/** GAD-7 with the 5/10/15 cut points (Spitzer et al. 2006); ≥ 10 warrants evaluation. */
export const GAD7: SummedInstrument = {
  id: 'GAD-7',
  panel: '69737-5',
  total: '70274-6',
  items: ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'],
  itemMin: 0,
  itemMax: 3,
  bands: [
    { min: 0, severity: 'minimal' },
    { min: 5, severity: 'mild' },
    { min: 10, severity: 'moderate' },
    { min: 15, severity: 'severe' },
  ],
};

export const SUMMED_INSTRUMENTS: readonly SummedInstrument[] = [PHQ9, PHQ2, GAD7];

/** The largest total an instrument allows: items × item maximum. */
export function maxTotal(def: SummedInstrument): number {
  return def.items.length * def.itemMax;
}

export function severityOf(def: SummedInstrument, total: number): Severity {
  let found = def.bands[0]!.severity;
  for (const band of def.bands) if (total >= band.min) found = band.severity;
  return found;
}

/**
 * LOINC answer codes of the 0–3 frequency scale shared by PHQ-9, PHQ-2 and GAD-7
 * ("Not at all", "Several days", "More than half the days", "Nearly every day").
 */
export const FREQUENCY_ANSWERS: Readonly<Record<string, number>> = {
  'LA6568-5': 0,
  'LA6569-3': 1,
  'LA6570-1': 2,
  'LA6571-9': 3,
};
