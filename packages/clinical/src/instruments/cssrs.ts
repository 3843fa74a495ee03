/**
 * C-SSRS screener (Columbia-Suicide Severity Rating Scale, screen version): six yes/no questions
 * and a follow-up on Q6. DOMAIN.md "Instruments": Q1 wish to be dead, Q2 suicidal thoughts; if Q2
 * yes ask Q3–Q5; Q6 behavior and whether in the past 3 months.
 *
 * Codes. There is no LOINC code every EHR uses for the screener items, so an item is recognized
 * by either of:
 *  - a CareRelay linkId: `cssrs-1` … `cssrs-6`, `cssrs-6b` (also `c-ssrs-…`, `cssrs_…`, any case);
 *  - a LOINC code as used by the HL7 US Behavioral Health Profiles IG (CI build 0.1.0, example
 *    QuestionnaireResponse "C-SSRS-example-1", questionnaire = CMS's C-SSRS screen version):
 *    93246-7 … 93250-9 for Q1–Q5, 93267-3 for Q6, 93269-9 for "within the past 3 months",
 *    93374-7 for the suicide risk level. What is verified: these codes and their question texts
 *    appear together in that IG example. Not verified against a LOINC release here; a panel code
 *    for the whole screener was not found, so none is relied on.
 * Answers: valueBoolean, LOINC LA33-6 (Yes) / LA32-8 (No), or 1/0.
 */

export type CssrsLevel = 'NONE' | 'LOW' | 'MODERATE' | 'HIGH';

export type CssrsQuestion = 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5' | 'Q6' | 'Q6b';

/** The code CareRelay reports a C-SSRS result under (the IG example's "Suicide risk level"). */
export const CSSRS_RISK_LEVEL_CODE = '93374-7';

/** Canonical item code per question: the IG example's LOINC codes. */
export const CSSRS_ITEM_CODES: Readonly<Record<CssrsQuestion, string>> = {
  Q1: '93246-7',
  Q2: '93247-5',
  Q3: '93248-3',
  Q4: '93249-1',
  Q5: '93250-9',
  Q6: '93267-3',
  Q6b: '93269-9',
};

export const YES_NO_ANSWERS: Readonly<Record<string, number>> = { 'LA33-6': 1, 'LA32-8': 0 };

const LINK_ID = /^c-?ssrs[-_]?(1|2|3|4|5|6|6b)$/i;

/** The screener question a code or linkId denotes, or undefined. */
export function cssrsQuestionOf(codeOrLinkId: string): CssrsQuestion | undefined {
  const match = LINK_ID.exec(codeOrLinkId);
  if (match) {
    const n = match[1]!.toLowerCase();
    return n === '6b' ? 'Q6b' : (`Q${n}` as CssrsQuestion);
  }
  for (const [question, code] of Object.entries(CSSRS_ITEM_CODES)) {
    if (code === codeOrLinkId) return question as CssrsQuestion;
  }
  return undefined;
}

/**
 * The screener's risk level. A question not answered counts as "no": the form skips Q3–Q5 when
 * Q2 is no. A "yes" to Q6b (past 3 months) is taken as behavior even when Q6 itself is missing,
 * because the safer reading of a contradictory form is the higher level.
 *  - HIGH: Q4 or Q5 yes, or behavior in the past 3 months (immediate evaluation);
 *  - MODERATE: Q3 yes, or lifetime behavior (Q6 yes, not in the past 3 months);
 *  - LOW: Q1 and/or Q2 yes only;
 *  - NONE: no yes at all.
 */
export function cssrsLevel(answers: Readonly<Partial<Record<CssrsQuestion, boolean>>>): CssrsLevel {
  if (answers.Q4 === true || answers.Q5 === true || answers.Q6b === true) return 'HIGH';
  if (answers.Q3 === true || answers.Q6 === true) return 'MODERATE';
  if (answers.Q1 === true || answers.Q2 === true) return 'LOW';
  return 'NONE';
}
