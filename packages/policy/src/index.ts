export {
  ALWAYS_READ,
  CATALOGUE,
  FIELD_READS,
  isProducedBy,
  isRole,
  MODEL_USE_CASES,
  NOTE_FORMATS,
  PURPOSE_EVENT_VALUE,
  RELATIONSHIPS,
  ROLES,
  SERVICE_ROLES,
  specOf,
  USE_CASES,
  useCaseForChange,
} from './catalogue.js';
export type {
  AccessRule,
  ConsentNeed,
  NoteFormat,
  Producer,
  PurposeOfUse,
  ReadField,
  ReadPlan,
  Relationship,
  Role,
  RolloutPhase,
  TaskSubject,
  UseCaseSpec,
  WritebackTarget,
} from './catalogue.js';
export { BREAK_GLASS_MIN_REASON, decide, rolesFor } from './engine.js';
export type { BreakGlass, ConsentFact, PolicyDecision, PolicyFacts } from './engine.js';
export { DEFAULT_PHASE, inPilotGroups, parseRollout, rolloutFor, tenantRollout } from './rollout.js';
export type { RolloutConfig, RolloutState, TenantRollout } from './rollout.js';
export { applyMinimumNecessary, contextFieldsOf, priorNotesSince } from './minimum-necessary.js';
export type { ContextField } from './minimum-necessary.js';
export { PART2_LABEL, PART2_NOTICE } from './notice.js';
export {
  ACT_CODE_SYSTEM,
  classifyPart2,
  excludedFromModel,
  isSudIcd10,
  isSudSnomed,
  PSYCHOTHERAPY_NOTE_TYPE,
  SUD_COUNSELING_NOTE_TYPE,
  CARERELAY_DOCUMENT_TYPE_SYSTEM,
} from './part2.js';
export type { Part2Finding, Part2Options, Part2Reason, Part2Rule } from './part2.js';
export {
  AI_PROCESSING_CONSENT_CODE,
  CARERELAY_CONSENT_SYSTEM,
  evaluateConsent,
  PART2_POLICY_RULE_CODE,
  PART2_POLICY_URI,
  RECORDING_CONSENT_CODE,
} from './consent.js';
export type { ConsentFinding, ConsentKind, ConsentQuery, ConsentStatus } from './consent.js';
