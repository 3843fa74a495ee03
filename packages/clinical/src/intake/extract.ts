import { scoreIntakeInstruments } from './instruments.js';
import { extractRisk } from './risk.js';
import { extractSocialFacts } from './social.js';
import { isNonAnswer, itemCodeOf, questionText } from './text.js';
import type { IntakeAnswerInput, IntakeExtraction, IntakePresentingProblem } from './types.js';

/** Bumped whenever a rule changes what is extracted; recorded with every extraction. */
export const INTAKE_EXTRACTOR_VERSION = '1.0.0';

/** LOINC 10154-3 Chief complaint Narrative - Reported: the reason for seeking care. */
export const CHIEF_COMPLAINT_LOINC = '10154-3';

/**
 * Wordings of the reason-for-seeking-care question, most specific first; an earlier pattern
 * beats an earlier answer ("What brings you in?" wins over "Any other concerns?").
 */
const PRESENTING_QUESTIONS: readonly RegExp[] = [
  /\bwhat brings you\b|\bwhat brought you\b|\bbrings you (?:in|here|to)\b/,
  /\bchief complaint\b|\bpresenting (?:problem|concern|issue|complaint)s?\b/,
  /\breason (?:for|you are|you're|that you are) (?:seeking|coming|referral|your (?:visit|referral|appointment)|this (?:visit|appointment)|today|the visit|visit|calling|contacting)/,
  /\bwhy (?:are|did) you (?:seeking|seek|coming|come|looking|reach(?:ing)? out|contact(?:ing)?)\b/,
  /\bwhat (?:would|do) you (?:like|want|hope) (?:to get )?(?:help|to work on)\b|\bwhat can we help\b|\bhow can we help\b/,
  /\bmain (?:concern|problem|issue|reason)\b|\bprimary (?:concern|problem|issue|reason)\b|\bcurrent (?:concerns?|problems?|difficulties)\b/,
  /\bdescribe (?:the|your) (?:problem|concern|difficult|situation|symptoms)|\bwhat (?:problems?|concerns?|difficulties) (?:are|have) you\b/,
];

function presentingProblemOf(answers: readonly IntakeAnswerInput[]): IntakePresentingProblem | null {
  const usable = answers.filter((a) => !isNonAnswer(a.answer));
  const byCode = usable.find((a) => itemCodeOf(a) === CHIEF_COMPLAINT_LOINC);
  if (byCode) return { question: byCode.question, answer: byCode.answer };
  for (const pattern of PRESENTING_QUESTIONS) {
    const found = usable.find((a) => pattern.test(questionText(a)));
    if (found) return { question: found.question, answer: found.answer };
  }
  return null;
}

/**
 * Structured fields from an intake form's answers, by rules alone (no model): social and
 * demographic facts, the outcome measures it embeds scored, the presenting problem as the
 * client wrote it, and risk flags with their evidence. Deterministic: the same answers always
 * give the same extraction. Everything is preliminary: a clinician confirms it.
 */
export function extractIntake(answers: readonly IntakeAnswerInput[]): IntakeExtraction {
  const scoring = scoreIntakeInstruments(answers);
  return {
    extractorVersion: INTAKE_EXTRACTOR_VERSION,
    socialFacts: extractSocialFacts(answers),
    scores: scoring.scores,
    presentingProblem: presentingProblemOf(answers),
    risk: extractRisk(answers, scoring.used, scoring.phq9Item9),
  };
}
