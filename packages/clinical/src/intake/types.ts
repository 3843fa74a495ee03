import type { RiskLevel, RiskSignalKind } from '../risk/index.js';

/**
 * One answer of an intake form, as the EHR adapter reads it (QuestionnaireResponse item text
 * and answer text, groups flattened). `linkId` and `code` are the item's form id and LOINC code
 * where the form carries them; null (or absent) when it does not, and then the question's
 * wording is all there is to go by.
 */
export interface IntakeAnswerInput {
  readonly question: string;
  readonly answer: string;
  readonly linkId?: string | null;
  readonly code?: string | null;
}

/** A code in a code system (LOINC, HL7 v3): what an Observation's code or value is written as. */
export interface IntakeCoding {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

/** The social facts an intake form asks about and CareRelay recognizes (none of them identifies). */
export type SocialField = 'marital_status' | 'employment' | 'living_situation' | 'education' | 'pronouns';

/** A social or demographic fact the client gave, with the code it is recorded under. */
export interface IntakeSocialFact {
  readonly field: SocialField;
  /** The Observation code of the fact (LOINC). */
  readonly code: IntakeCoding;
  readonly question: string;
  /** The answer as the client wrote it (de-identified when the input was). */
  readonly answer: string;
  /** The recognized category (e.g. married, employed full-time); null when nothing maps, the answer then speaks for itself. */
  readonly value: IntakeCoding | null;
}

export type IntakeInstrument = 'PHQ-9' | 'PHQ-2' | 'GAD-7';

/** An outcome measure embedded in the intake form, scored from its item answers. */
export interface IntakeScore {
  readonly instrument: IntakeInstrument;
  /** LOINC code of the total. */
  readonly loinc: string;
  /** null when no total was recorded and items are missing or out of range (see `reason`). */
  readonly total: number | null;
  /** 'recorded': the form carried the total; 'computed': summed from the items here. */
  readonly totalSource: 'recorded' | 'computed';
  /** Item scores (0–3) by LOINC item code. */
  readonly items: Readonly<Record<string, number>>;
  /** How many items the instrument has. */
  readonly itemsExpected: number;
  readonly severity: string | null;
  readonly reason: string | null;
  /** Recorded total that differs from the items, answers out of range: stated, never silently fixed. */
  readonly warnings: readonly string[];
}

/** The client's reason for seeking care, as written. */
export interface IntakePresentingProblem {
  readonly question: string;
  readonly answer: string;
}

/**
 * Evidence of current risk in one answer. `source` says which text `start`/`end` point into:
 * the client's own words (`answer`), or the question a yes-type answer affirms (`question`,
 * e.g. "Have you had thoughts of killing yourself?" — "yes").
 */
export interface IntakeRiskSignal {
  readonly kind: RiskSignalKind;
  /** The level of the answer the signal is in (scanRisk's level of that text). */
  readonly level: RiskLevel;
  readonly source: 'answer' | 'question';
  readonly start: number;
  readonly end: number;
  /** The evidence phrase: `source` text from `start` to `end`. */
  readonly evidence: string;
  readonly question: string;
  readonly answer: string;
}

export interface IntakeRisk {
  /** The highest level over the answers; NONE when no answer expresses current risk. */
  readonly level: RiskLevel;
  readonly signals: readonly IntakeRiskSignal[];
  /**
   * PHQ-9 item 9 (44260-8) when the form carries it: > 0 is a validated trigger that needs
   * same-day follow-up whatever the total (DOMAIN.md "Instruments").
   */
  readonly phq9Item9: number | null;
}

/** What the deterministic extractor makes of an intake form: structured, for a clinician to confirm. */
export interface IntakeExtraction {
  /** The extractor's version, for provenance. */
  readonly extractorVersion: string;
  readonly socialFacts: readonly IntakeSocialFact[];
  readonly scores: readonly IntakeScore[];
  readonly presentingProblem: IntakePresentingProblem | null;
  readonly risk: IntakeRisk;
}
