export {
  ALWAYS_READ,
  CATALOGUE,
  FIELD_READS,
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
  Producer,
  PurposeOfUse,
  ReadField,
  ReadPlan,
  Relationship,
  Role,
  RolloutPhase,
  UseCaseSpec,
  WritebackTarget,
} from './catalogue.js';
export { BREAK_GLASS_MIN_REASON, decide, rolesFor } from './engine.js';
export type { BreakGlass, ConsentFact, PolicyDecision, PolicyFacts } from './engine.js';
export { DEFAULT_PHASE, inPilotGroups, parseRollout, rolloutFor, tenantRollout } from './rollout.js';
export type { RolloutConfig, RolloutState, TenantRollout } from './rollout.js';
export { applyMinimumNecessary, contextFieldsOf } from './minimum-necessary.js';
export type { ContextField } from './minimum-necessary.js';
export { PART2_LABEL, PART2_NOTICE } from './notice.js';
