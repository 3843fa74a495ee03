export { CHIEF_COMPLAINT_LOINC, INTAKE_EXTRACTOR_VERSION, extractIntake } from './extract.js';
export { INTAKE_CATEGORY_SYSTEM } from './social.js';
export type {
  IntakeAnswerInput,
  IntakeCoding,
  IntakeExtraction,
  IntakeInstrument,
  IntakePresentingProblem,
  IntakeRisk,
  IntakeRiskSignal,
  IntakeScore,
  IntakeSocialFact,
  SocialField,
} from './types.js';
