import type { CodingEncounter, CodingFindings } from './types.js';

/**
 * CPT rules for one session (DOMAIN.md "Coding (CPT, ICD-10)"). Minutes are compared as
 * "at least the lower edge", so fractional minutes fall in the band they have reached:
 * 37.5 min is still 90832, 38 is 90834.
 */

export const PSYCHOTHERAPY_MIN_MINUTES = 16;
export const FAMILY_MIN_MINUTES = 26;
export const CRISIS_MIN_MINUTES = 30;
/** The first crisis hour covers 30–74 min; each further unit needs a full 30 min after 74. */
export const CRISIS_FIRST_UNIT_MAX_MINUTES = 74;
const CRISIS_ADDON_MINUTES = 30;

interface Band {
  code: string;
  range: string;
}

/** The psychotherapy code for the minutes, or undefined under 16 min. With an E/M: the add-on. */
export function psychotherapyBand(minutes: number, emVisit: boolean): Band | undefined {
  if (minutes < PSYCHOTHERAPY_MIN_MINUTES) return undefined;
  if (minutes < 38) return { code: emVisit ? '90833' : '90832', range: '16–37 min' };
  if (minutes < 53) return { code: emVisit ? '90836' : '90834', range: '38–52 min' };
  return { code: emVisit ? '90838' : '90837', range: '≥53 min' };
}

/**
 * Units of 90840 for a crisis session: 75–104 min → 1, 105–134 → 2, 135–164 → 3, … (CPT's
 * table: 90840 once the session reaches 75 min, then once per further full 30 min).
 */
export function crisisAddOnUnits(minutes: number): number {
  if (minutes <= CRISIS_FIRST_UNIT_MAX_MINUTES) return 0;
  return Math.floor((minutes - (CRISIS_FIRST_UNIT_MAX_MINUTES + 1)) / CRISIS_ADDON_MINUTES) + 1;
}

/** Base codes +90785 may accompany (never E/M alone, never crisis, never family). */
const INTERACTIVE_COMPLEXITY_BASES = new Set([
  '90791',
  '90792',
  '90832',
  '90834',
  '90837',
  '90833',
  '90836',
  '90838',
  '90853',
]);
const CRISIS_CODES = new Set(['90839', '90840']);

export function cptFor(encounter: CodingEncounter): CodingFindings {
  const found: CodingFindings = { cpt: [], warnings: [], rationale: [] };
  const minutes = encounter.psychotherapyMinutes;
  if (!Number.isFinite(minutes) || minutes < 0) {
    found.warnings.push({
      code: 'INVALID_MINUTES',
      message: 'psychotherapyMinutes must be a finite number ≥ 0; no time-based code suggested',
    });
    return found;
  }
  baseCodes(encounter, minutes, found);
  if (encounter.emVisit) {
    found.warnings.push({
      code: 'EM_CODE_NOT_SUGGESTED',
      message:
        'an E/M visit was held: its code (level from medical decision making or time) is chosen by the clinician, not suggested here; E/M time does not count toward psychotherapy time',
    });
  }
  if (encounter.interactiveComplexity) interactiveComplexity(encounter, found);
  return found;
}

function baseCodes(encounter: CodingEncounter, minutes: number, found: CodingFindings): void {
  const emit = (code: string, reason: string): void => {
    found.cpt.push(code);
    found.rationale.push({ code, reason });
  };
  switch (encounter.service) {
    case 'psychotherapy':
      psychotherapy(minutes, encounter.emVisit, found, emit);
      return;
    case 'diagnostic_evaluation':
      if (encounter.medicalServices) emit('90792', 'psychiatric diagnostic evaluation with medical services');
      else emit('90791', 'psychiatric diagnostic evaluation without medical services');
      return;
    case 'family_with_client':
    case 'family_without_client': {
      const present = encounter.service === 'family_with_client';
      if (minutes < FAMILY_MIN_MINUTES) {
        found.warnings.push({
          code: 'BELOW_BILLABLE_MINIMUM',
          message: `family psychotherapy of ${minutes} min is under the ${FAMILY_MIN_MINUTES}-min minimum: not billable`,
        });
        return;
      }
      emit(
        present ? '90847' : '90846',
        `family psychotherapy ${present ? 'with' : 'without'} the client present, ${minutes} min (≥${FAMILY_MIN_MINUTES})`,
      );
      return;
    }
    case 'group':
      emit('90853', 'group psychotherapy (other than of a multiple-family group)');
      return;
    case 'crisis':
      crisis(minutes, encounter.emVisit, found, emit);
      return;
  }
}

type Emit = (code: string, reason: string) => void;

function psychotherapy(minutes: number, emVisit: boolean, found: CodingFindings, emit: Emit): void {
  const band = psychotherapyBand(minutes, emVisit);
  if (band === undefined) {
    found.warnings.push({
      code: 'BELOW_BILLABLE_MINIMUM',
      message: `psychotherapy of ${minutes} min is under the ${PSYCHOTHERAPY_MIN_MINUTES}-min minimum: not billable`,
    });
    return;
  }
  emit(
    band.code,
    emVisit
      ? `psychotherapy add-on to a separately identifiable E/M visit, ${minutes} min (${band.range})`
      : `individual psychotherapy, ${minutes} min (${band.range})`,
  );
}

/**
 * Under 30 min a session is not crisis psychotherapy by CPT: it is coded as ordinary
 * psychotherapy by its minutes (90832, or 90833 with an E/M), with a warning.
 */
function crisis(minutes: number, emVisit: boolean, found: CodingFindings, emit: Emit): void {
  if (minutes < CRISIS_MIN_MINUTES) {
    found.warnings.push({
      code: 'CRISIS_BELOW_MINIMUM',
      message: `crisis psychotherapy needs ≥${CRISIS_MIN_MINUTES} min; ${minutes} min is coded as psychotherapy by its minutes`,
    });
    psychotherapy(minutes, emVisit, found, emit);
    return;
  }
  emit('90839', `crisis psychotherapy, first 30–74 min (${minutes} min)`);
  const units = crisisAddOnUnits(minutes);
  for (let i = 0; i < units; i += 1) found.cpt.push('90840');
  if (units > 0) {
    found.rationale.push({
      code: '90840',
      reason: `crisis psychotherapy beyond 74 min: ${units} additional 30-min unit${units > 1 ? 's' : ''} (${minutes} min)`,
    });
  }
}

function interactiveComplexity(encounter: CodingEncounter, found: CodingFindings): void {
  if (found.cpt.some((c) => CRISIS_CODES.has(c))) {
    found.warnings.push({
      code: 'INTERACTIVE_COMPLEXITY_WITH_CRISIS',
      message:
        '90785 (interactive complexity) is never reported with crisis psychotherapy 90839/90840: not suggested',
    });
    return;
  }
  const base = found.cpt.find((c) => INTERACTIVE_COMPLEXITY_BASES.has(c));
  if (base !== undefined) {
    found.cpt.push('90785');
    found.rationale.push({ code: '90785', reason: `interactive complexity documented, add-on to ${base}` });
    return;
  }
  if (found.cpt.length > 0) {
    found.warnings.push({
      code: 'INTERACTIVE_COMPLEXITY_NOT_APPLICABLE',
      message: `90785 (interactive complexity) is not reported with ${found.cpt.join(', ')}: not suggested`,
    });
  } else if (encounter.emVisit) {
    found.warnings.push({
      code: 'INTERACTIVE_COMPLEXITY_WITH_EM_ONLY',
      message: '90785 (interactive complexity) is never reported with an E/M visit alone: not suggested',
    });
  } else {
    found.warnings.push({
      code: 'INTERACTIVE_COMPLEXITY_NO_BASE_CODE',
      message:
        '90785 (interactive complexity) is an add-on and no billable base code was suggested: not suggested',
    });
  }
}
