export {
  CLINICAL_URGENT,
  MINIMUM_TRIAGE,
  PHQ9_ITEM9_MINIMUM,
  TRIAGE_URGENCIES,
  higherUrgency,
  raiseTriage,
  triageFloor,
} from './floor.js';
export type {
  MinimumTriage,
  RaisedTriage,
  Triage,
  TriageEvidence,
  TriageFloor,
  TriageFloorInput,
  TriageFloorReason,
  TriageUrgency,
} from './floor.js';
