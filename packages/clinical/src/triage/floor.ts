import { scanRisk, type RiskLevel, type RiskSignalKind } from '../risk/index.js';

/**
 * The rules floor under message triage (issue #14): whatever a model says, a client's message
 * with risk language is never triaged below what the deterministic rules require. Raise only,
 * never lower: a model may always say more than the rules, never less.
 */

/** message_triage's urgencies (llm templates/message_triage schema), lowest first. */
export const TRIAGE_URGENCIES = ['routine', 'same_day', 'emergency'] as const;
export type TriageUrgency = (typeof TRIAGE_URGENCIES)[number];

/** The one category the floor can require; every other category is the model's choice. */
export const CLINICAL_URGENT = 'clinical_urgent';

export interface MinimumTriage {
  readonly urgency: TriageUrgency;
  /** The category must be clinical_urgent. */
  readonly clinicalUrgent: boolean;
}

/**
 * Minimum triage per risk level. LOW (a passive wish to be dead, an urge) gets a human the same
 * day but keeps its category, since LOW is where idiom and ambiguity live; active ideation or
 * self-harm (MODERATE) is clinical_urgent; plan, intent, means, preparation or an act under way
 * (HIGH, IMMINENT) is an emergency.
 */
export const MINIMUM_TRIAGE: Readonly<Record<RiskLevel, MinimumTriage>> = {
  NONE: { urgency: 'routine', clinicalUrgent: false },
  LOW: { urgency: 'same_day', clinicalUrgent: false },
  MODERATE: { urgency: 'same_day', clinicalUrgent: true },
  HIGH: { urgency: 'emergency', clinicalUrgent: true },
  IMMINENT: { urgency: 'emergency', clinicalUrgent: true },
};

/** DOMAIN.md "Instruments": PHQ-9 item 9 > 0 needs same-day follow-up whatever the total. */
export const PHQ9_ITEM9_MINIMUM: MinimumTriage = { urgency: 'same_day', clinicalUrgent: true };

const RISK_ORDER: readonly RiskLevel[] = ['NONE', 'LOW', 'MODERATE', 'HIGH', 'IMMINENT'];

/** Why the floor is above NONE: the highest risk level found, and a positive item 9. */
export type TriageFloorReason = `RISK_${Exclude<RiskLevel, 'NONE'>}` | 'PHQ9_ITEM9_POSITIVE';

/** One piece of evidence: `messages[message].slice(start, end)` (UTF-16 offsets) is the trigger. */
export interface TriageEvidence {
  /** Index into the messages as given: 0 is the newest. */
  readonly message: number;
  readonly start: number;
  readonly end: number;
  readonly kind: RiskSignalKind;
}

export interface TriageFloorInput {
  /** The de-identified texts of the client's messages, newest first. */
  readonly messages: readonly string[];
  /** Every PHQ-9 item 9 score the triage can see. */
  readonly phq9Item9Scores?: readonly number[];
}

export interface TriageFloor {
  /** The highest risk level over all the messages. */
  readonly level: RiskLevel;
  readonly phq9Item9Positive: boolean;
  /** What the triage must at least be. */
  readonly minimum: MinimumTriage;
  /** Empty when the minimum is routine. */
  readonly reasons: readonly TriageFloorReason[];
  readonly evidence: readonly TriageEvidence[];
}

const urgencyRank = (u: TriageUrgency): number => TRIAGE_URGENCIES.indexOf(u);

/** The higher of two urgencies. */
export function higherUrgency(a: TriageUrgency, b: TriageUrgency): TriageUrgency {
  return urgencyRank(a) >= urgencyRank(b) ? a : b;
}

function atLeast(a: MinimumTriage, b: MinimumTriage): MinimumTriage {
  return {
    urgency: higherUrgency(a.urgency, b.urgency),
    clinicalUrgent: a.clinicalUrgent || b.clinicalUrgent,
  };
}

/**
 * The minimum triage of a client's messages. Every message given is scanned, not only the
 * newest: the triaged message cannot be told apart in the de-identified context (it carries no
 * id, and two messages arriving together reorder), each is the client's own recent words, and
 * the prompt asks the model the same ("the most recent one decides unless an earlier one shows
 * risk"). A risk message re-raising a later benign one costs a same-day look; missing it could
 * cost a life.
 */
export function triageFloor(input: TriageFloorInput): TriageFloor {
  let level: RiskLevel = 'NONE';
  const evidence: TriageEvidence[] = [];
  for (const [message, text] of input.messages.entries()) {
    const scan = scanRisk(text);
    if (RISK_ORDER.indexOf(scan.level) > RISK_ORDER.indexOf(level)) level = scan.level;
    for (const s of scan.signals) evidence.push({ message, start: s.start, end: s.end, kind: s.kind });
  }
  const phq9Item9Positive = (input.phq9Item9Scores ?? []).some((score) => score > 0);
  const reasons: TriageFloorReason[] = [];
  if (level !== 'NONE') reasons.push(`RISK_${level}`);
  if (phq9Item9Positive) reasons.push('PHQ9_ITEM9_POSITIVE');
  const minimum = phq9Item9Positive
    ? atLeast(MINIMUM_TRIAGE[level], PHQ9_ITEM9_MINIMUM)
    : MINIMUM_TRIAGE[level];
  return { level, phq9Item9Positive, minimum, reasons, evidence };
}

/** A triage as drafted: category (the template's enum) and urgency. */
export interface Triage {
  readonly category: string;
  readonly urgency: TriageUrgency;
}

export interface RaisedTriage {
  /** The triage after the floor. */
  readonly triage: Triage;
  /** The triage as it came. */
  readonly from: Triage;
  readonly urgencyRaised: boolean;
  readonly categoryRaised: boolean;
  readonly raised: boolean;
}

/** Lifts a triage to the minimum; never lowers the urgency, never moves a category but to clinical_urgent. */
export function raiseTriage(from: Triage, minimum: MinimumTriage): RaisedTriage {
  const urgency = higherUrgency(from.urgency, minimum.urgency);
  const category = minimum.clinicalUrgent ? CLINICAL_URGENT : from.category;
  const urgencyRaised = urgency !== from.urgency;
  const categoryRaised = category !== from.category;
  return {
    triage: { category, urgency },
    from,
    urgencyRaised,
    categoryRaised,
    raised: urgencyRaised || categoryRaised,
  };
}
