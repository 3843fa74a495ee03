import type { DeidentifiedAssessment, DeidentifiedContext } from '@carerelay/events';

/**
 * Sentences the offline template can state because the structured inputs state
 * them. Nothing here reads free text: what a template cannot know stays a placeholder.
 */

type Band = readonly [max: number, label: string];
// DOMAIN.md "Instruments": PHQ-9 0–4/5–9/10–14/15–19/20–27; GAD-7 cut points 5/10/15.
const PHQ9_BANDS: readonly Band[] = [
  [4, 'minimal'],
  [9, 'mild'],
  [14, 'moderate'],
  [19, 'moderately severe'],
  [27, 'severe'],
];
const GAD7_BANDS: readonly Band[] = [
  [4, 'minimal'],
  [9, 'mild'],
  [14, 'moderate'],
  [21, 'severe'],
];
const LOINC_PHQ9_TOTAL = '44261-6';
const LOINC_PHQ9_ITEM9 = '44260-8';
const LOINC_GAD7_TOTAL = '70274-6';

const isPhq9 = (a: DeidentifiedAssessment): boolean =>
  a.loinc === LOINC_PHQ9_TOTAL || /^phq-?9$/i.test(a.instrument.replace(/\s+/g, ''));
const isGad7 = (a: DeidentifiedAssessment): boolean =>
  a.loinc === LOINC_GAD7_TOTAL || /^gad-?7$/i.test(a.instrument.replace(/\s+/g, ''));

function band(a: DeidentifiedAssessment): string | null {
  const bands = isPhq9(a) ? PHQ9_BANDS : isGad7(a) ? GAD7_BANDS : null;
  if (!bands || a.total === null || a.total < 0) return null;
  return bands.find(([max]) => a.total !== null && a.total <= max)?.[1] ?? null;
}

/** "PHQ-9 total 12 (moderate) on [DATE_1]." per score; the band only for instruments with published cut points. */
export function scoreLines(context: DeidentifiedContext): string[] {
  return context.assessments.map((a) => {
    const label = band(a);
    const total = a.total === null ? '[SCORE_TOTAL]' : `${a.total}${label ? ` (${label})` : ''}`;
    return `${a.instrument} total ${total} on ${a.date}.`;
  });
}

/** Item 9 ("thoughts that you would be better off dead"), keyed by number or LOINC. */
function item9(a: DeidentifiedAssessment): number | undefined {
  for (const [key, score] of Object.entries(a.items)) {
    if (key === LOINC_PHQ9_ITEM9 || /^(item|q)?[\s_-]?0?9$/i.test(key)) return score;
  }
  return undefined;
}

/** Every PHQ-9 item 9 score in the context: what the triage floor's item 9 rule reads. */
export function phq9Item9Scores(context: DeidentifiedContext): number[] {
  return context.assessments.filter(isPhq9).flatMap((a) => {
    const score = item9(a);
    return score === undefined ? [] : [score];
  });
}

/** DOMAIN.md: PHQ-9 item 9 > 0 needs same-day follow-up whatever the total. */
export function riskFromScores(context: DeidentifiedContext): string | null {
  const positives = context.assessments.filter(isPhq9).flatMap((a) => {
    const score = item9(a);
    return score !== undefined && score > 0 ? [`PHQ-9 item 9 scored ${score} on ${a.date}`] : [];
  });
  if (positives.length === 0) return null;
  return `${positives.join('; ')}: any score above 0 needs same-day follow-up. [RISK_FOLLOW_UP]`;
}

/** "Individual session on [DATE_1], telehealth, 50 minutes." */
export function encounterLine(context: DeidentifiedContext): string | null {
  const e = context.encounter;
  if (!e) return null;
  const parts = [
    `${e.serviceType.charAt(0).toUpperCase()}${e.serviceType.slice(1)} session on ${e.date}`,
    e.telehealth ? 'telehealth' : 'in person',
    e.durationMinutes === null ? 'duration [SESSION_DURATION]' : `${e.durationMinutes} minutes`,
  ];
  if (!e.clientPresent) parts.push('client not present');
  if (e.withMedicalEvaluation) parts.push('with a medical evaluation');
  return `${parts.join(', ')}.`;
}

export function diagnosisLines(context: DeidentifiedContext): string[] {
  return context.diagnoses.map((d) => `${d.code} ${d.display}`);
}

export function goalLines(context: DeidentifiedContext): string[] {
  return context.goals.map(
    (g) => `${g.ref} (${g.status}${g.targetDate ? `, target ${g.targetDate}` : ''}): ${g.description}`,
  );
}

/** Joins fact lines, or falls back to the placeholder when the inputs give none. */
export function linesOr(lines: readonly (string | null)[], placeholder: string): string {
  const facts = lines.filter((l): l is string => l !== null && l.length > 0);
  return facts.length > 0 ? facts.join('\n') : placeholder;
}
