/** The session kinds the coding rules know (DOMAIN.md "Coding (CPT, ICD-10)"). */
export const SERVICE_KINDS = [
  'psychotherapy',
  'diagnostic_evaluation',
  'family_with_client',
  'family_without_client',
  'group',
  'crisis',
] as const;

export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** What the signed note says about the held session; de-identified, no names or dates of birth. */
export interface CodingEncounter {
  service: ServiceKind;
  /** Face-to-face psychotherapy minutes, E/M time excluded. */
  psychotherapyMinutes: number;
  /** A separately identifiable E/M visit took place in the same session. */
  emVisit: boolean;
  interactiveComplexity: boolean;
  medicalServices: boolean;
  /** Documented session start and stop (ISO 8601). */
  start?: string;
  end?: string;
}

export interface CodingInput {
  encounter: CodingEncounter;
  /** ICD-10-CM codes, primary first. */
  diagnoses: string[];
  /** De-identified note text, read only for documentation warnings. */
  note?: string;
}

/** Stable warning codes: callers and tests match on these, never on messages. */
export type CodingWarningCode =
  | 'INVALID_MINUTES'
  | 'BELOW_BILLABLE_MINIMUM'
  | 'CRISIS_BELOW_MINIMUM'
  | 'EM_CODE_NOT_SUGGESTED'
  | 'INTERACTIVE_COMPLEXITY_WITH_CRISIS'
  | 'INTERACTIVE_COMPLEXITY_WITH_EM_ONLY'
  | 'INTERACTIVE_COMPLEXITY_NOT_APPLICABLE'
  | 'INTERACTIVE_COMPLEXITY_NO_BASE_CODE'
  | 'MISSING_START_STOP'
  | 'INVALID_START_STOP'
  | 'TIME_EXCEEDS_SESSION'
  | 'TIME_CONTRADICTS_CODE'
  | 'PSYCHOTHERAPY_TIME_OVERLAPS_EM'
  | 'CRISIS_DOCUMENTATION_INCOMPLETE'
  | 'ICD10_MISSING'
  | 'ICD10_INVALID_FORMAT'
  | 'ICD10_DUPLICATE'
  | 'ICD10_PRIMARY_NOT_F'
  | 'ICD10_Z_CODE_ONLY';

export interface CodingWarning {
  code: CodingWarningCode;
  message: string;
}

/** Why one emitted code (CPT or ICD-10-CM) was suggested. */
export interface CodingRationale {
  code: string;
  reason: string;
}

export interface CodingSuggestion {
  /** CPT codes; add-ons without "+"; a code billed in several units appears once per unit. */
  cpt: string[];
  /** Valid ICD-10-CM codes, normalized (upper case, dot after the category), input order. */
  icd10: string[];
  /** Security labels the record must carry, e.g. '42CFRPart2'. */
  labels: string[];
  warnings: CodingWarning[];
  rationale: CodingRationale[];
}

/** Collects the output of the rule modules. */
export interface CodingFindings {
  cpt: string[];
  warnings: CodingWarning[];
  rationale: CodingRationale[];
}
