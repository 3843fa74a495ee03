import { crisisAddOnUnits, CRISIS_MIN_MINUTES, FAMILY_MIN_MINUTES, psychotherapyBand } from './cpt.js';
import type { CodingEncounter, CodingWarning, ServiceKind } from './types.js';

/**
 * Documentation checks payers make (DOMAIN.md: "payers check documented start/stop or total
 * psychotherapy time; missing time = denial risk"). Only the services whose code depends on
 * time are checked: a diagnostic evaluation (90791/90792) and group (90853) have no time band.
 */
const TIMED_SERVICES: ReadonlySet<ServiceKind> = new Set([
  'psychotherapy',
  'family_with_client',
  'family_without_client',
  'crisis',
]);

export function timeWarnings(encounter: CodingEncounter): CodingWarning[] {
  const minutes = encounter.psychotherapyMinutes;
  if (!TIMED_SERVICES.has(encounter.service) || !Number.isFinite(minutes) || minutes < 0) return [];
  const { start, end } = encounter;
  if (start === undefined || end === undefined || start.trim() === '' || end.trim() === '') {
    return [
      {
        code: 'MISSING_START_STOP',
        message: 'session start and stop times are not documented: time-based codes risk denial',
      },
    ];
  }
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
    return [
      {
        code: 'INVALID_START_STOP',
        message: 'session start/stop are not valid ISO 8601 times with stop after start',
      },
    ];
  }
  // Start/stop are often written to the minute: compare whole minutes.
  const duration = Math.round((to - from) / 60_000);
  const warnings: CodingWarning[] = [];
  if (encounter.emVisit && minutes >= duration) {
    warnings.push({
      code: 'PSYCHOTHERAPY_TIME_OVERLAPS_EM',
      message: `psychotherapy time (${minutes} min) covers the whole documented session (${duration} min) although an E/M visit was held: E/M time does not count toward psychotherapy time`,
    });
  }
  if (minutes > duration) {
    warnings.push({
      code: 'TIME_EXCEEDS_SESSION',
      message: `psychotherapy time (${minutes} min) is longer than the documented start/stop (${duration} min)`,
    });
  } else if (
    !encounter.emVisit &&
    timeBand(encounter.service, duration) !== timeBand(encounter.service, minutes)
  ) {
    warnings.push({
      code: 'TIME_CONTRADICTS_CODE',
      message: `documented start/stop (${duration} min) falls in a different code band than the psychotherapy time (${minutes} min)`,
    });
  }
  return warnings;
}

/** Which code band the minutes fall in for the service (a key, compared only for equality). */
function timeBand(service: ServiceKind, minutes: number): string {
  switch (service) {
    case 'family_with_client':
    case 'family_without_client':
      return minutes < FAMILY_MIN_MINUTES ? 'none' : 'family';
    case 'crisis':
      if (minutes >= CRISIS_MIN_MINUTES) return `90839+${crisisAddOnUnits(minutes)}`;
      return psychotherapyBand(minutes, false)?.code ?? 'none';
    default:
      return psychotherapyBand(minutes, false)?.code ?? 'none';
  }
}

/**
 * What a crisis note must show (DOMAIN.md: "document risk, mental status, safety plan"). A
 * word check only: it finds a missing section, it cannot judge a present one.
 */
const CRISIS_ELEMENTS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  {
    name: 'risk assessment',
    pattern: /\b(?:risk|suicid\w*|homicid\w*|self[- ]?harm\w*|lethality|C-SSRS)\b|\b(?:SI|HI)\b/i,
  },
  {
    name: 'mental status',
    pattern:
      /\b(?:mental status|MSE|oriented|A&Ox?\d|affect|mood|thought (?:process|content)|insight|judge?ment)\b/i,
  },
  { name: 'safety plan', pattern: /\b(?:safety|crisis)[- ]plan(?:ning)?\b/i },
];

/** Warns when a crisis code was suggested and the note lacks one of the required elements. */
export function crisisNoteWarnings(cpt: readonly string[], note: string | undefined): CodingWarning[] {
  if (note === undefined || !cpt.includes('90839')) return [];
  const missing = CRISIS_ELEMENTS.filter((e) => !e.pattern.test(note)).map((e) => e.name);
  if (missing.length === 0) return [];
  return [
    {
      code: 'CRISIS_DOCUMENTATION_INCOMPLETE',
      message: `crisis psychotherapy note does not document: ${missing.join(', ')}`,
    },
  ];
}
