export { NOTE_SECTIONS, splitSections } from './note-formats.js';
export type { NoteFormat } from './note-formats.js';
export { compareDraftToFinal, editDistance, normalizedEditDistance } from './review.js';
export type { ReviewMetrics } from './review.js';
export {
  questionnaireKinds,
  scoreQuestionnaireResponse,
  scoreQuestionnaireResponses,
  scoreObservation,
} from './instruments/score.js';
export type { InstrumentScore, InstrumentWarning } from './instruments/score.js';
export {
  analyzeSeries,
  analyzeOrderedSeries,
  DEFAULT_RELIABLE_CHANGE,
  DEFAULT_STAGNATION_SESSIONS,
} from './instruments/series.js';
export type { SeriesAnalysis, SeriesOptions, SeriesPoint, SeriesInstrument } from './instruments/series.js';
export { describeSeries, measurementFindings, seriesInstrumentOf } from './instruments/measures.js';
export type { ContextScore, MeasureSeries } from './instruments/measures.js';
export {
  PHQ9,
  PHQ2,
  GAD7,
  PHQ9_ITEM9,
  LOINC_SYSTEM,
  SUMMED_INSTRUMENTS,
  FREQUENCY_ANSWERS,
  severityOf,
  maxTotal,
} from './instruments/definitions.js';
export type { InstrumentId, Severity, SummedInstrument } from './instruments/definitions.js';
export {
  cssrsLevel,
  cssrsQuestionOf,
  CSSRS_ITEM_CODES,
  CSSRS_RISK_LEVEL_CODE,
  YES_NO_ANSWERS,
} from './instruments/cssrs.js';
export type { CssrsLevel, CssrsQuestion } from './instruments/cssrs.js';
export { suggestCodes } from './coding/suggest.js';
export { crisisAddOnUnits, psychotherapyBand } from './coding/cpt.js';
export { isPart2Diagnosis, normalizeIcd10 } from './coding/icd10.js';
export { SERVICE_KINDS } from './coding/types.js';
export type {
  CodingEncounter,
  CodingInput,
  CodingRationale,
  CodingSuggestion,
  CodingWarning,
  CodingWarningCode,
  ServiceKind,
} from './coding/types.js';
export { scanRisk } from './risk/index.js';
export type { RiskLevel, RiskScan, RiskSignal, RiskSignalKind } from './risk/index.js';
export {
  CLINICAL_URGENT,
  MINIMUM_TRIAGE,
  PHQ9_ITEM9_MINIMUM,
  TRIAGE_URGENCIES,
  higherUrgency,
  raiseTriage,
  triageFloor,
} from './triage/index.js';
export type {
  MinimumTriage,
  RaisedTriage,
  Triage,
  TriageEvidence,
  TriageFloor,
  TriageFloorInput,
  TriageFloorReason,
  TriageUrgency,
} from './triage/index.js';
export {
  CHIEF_COMPLAINT_LOINC,
  INTAKE_CATEGORY_SYSTEM,
  INTAKE_EXTRACTOR_VERSION,
  extractIntake,
} from './intake/index.js';
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
} from './intake/index.js';
