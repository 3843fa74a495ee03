import { describe, expect, it } from 'vitest';
import { suggestCodes } from './suggest.js';
import type { CodingEncounter, CodingInput, CodingSuggestion } from './types.js';

/** A documented psychotherapy session; each test overrides what its rule is about. */
function encounter(overrides: Partial<CodingEncounter> = {}): CodingEncounter {
  return {
    service: 'psychotherapy',
    psychotherapyMinutes: 45,
    emVisit: false,
    interactiveComplexity: false,
    medicalServices: false,
    ...overrides,
  };
}

function suggest(
  overrides: Partial<CodingEncounter> = {},
  rest: Partial<CodingInput> = {},
): CodingSuggestion {
  return suggestCodes({ encounter: encounter(overrides), diagnoses: ['F32.1'], ...rest });
}

const warningCodes = (s: CodingSuggestion): string[] => s.warnings.map((w) => w.code);

/** Start/stop exactly `minutes` apart, so time warnings stay out of the CPT tables. */
function timed(minutes: number): { start: string; end: string } {
  const start = Date.UTC(2026, 0, 5, 9, 0);
  return { start: new Date(start).toISOString(), end: new Date(start + minutes * 60_000).toISOString() };
}

describe('psychotherapy time bands', () => {
  it.each([
    [15, []],
    [16, ['90832']],
    [37, ['90832']],
    [38, ['90834']],
    [52, ['90834']],
    [53, ['90837']],
    [90, ['90837']],
  ])('%i min without E/M → %j', (minutes, cpt) => {
    expect(suggest({ psychotherapyMinutes: minutes, ...timed(minutes) }).cpt).toEqual(cpt);
  });

  it.each([
    [15, []],
    [16, ['90833']],
    [37, ['90833']],
    [38, ['90836']],
    [52, ['90836']],
    [53, ['90838']],
  ])('%i min with a separately identifiable E/M → add-on %j (no plus sign)', (minutes, cpt) => {
    const s = suggest({ psychotherapyMinutes: minutes, emVisit: true, ...timed(minutes + 20) });
    expect(s.cpt).toEqual(cpt);
    expect(warningCodes(s)).toContain('EM_CODE_NOT_SUGGESTED');
  });

  it('under 16 min is not billable and says so', () => {
    const s = suggest({ psychotherapyMinutes: 15, ...timed(15) });
    expect(s.cpt).toEqual([]);
    expect(warningCodes(s)).toEqual(['BELOW_BILLABLE_MINIMUM']);
  });

  it('37.5 min has not reached the 38-min edge', () => {
    expect(suggest({ psychotherapyMinutes: 37.5, ...timed(38) }).cpt).toEqual(['90832']);
  });

  it('negative minutes give no code and an INVALID_MINUTES warning', () => {
    const s = suggest({ psychotherapyMinutes: -5 });
    expect(s.cpt).toEqual([]);
    expect(warningCodes(s)).toEqual(['INVALID_MINUTES']);
  });

  it('every emitted code has a rationale', () => {
    const s = suggest(
      { psychotherapyMinutes: 40, interactiveComplexity: true, ...timed(40) },
      { diagnoses: ['F41.1', 'Z63.0'] },
    );
    expect(s.cpt).toEqual(['90834', '90785']);
    expect(s.rationale.map((r) => r.code)).toEqual(['90834', '90785', 'F41.1', 'Z63.0']);
    expect(s.warnings).toEqual([]);
  });
});

describe('diagnostic evaluation', () => {
  it('without medical services → 90791', () => {
    expect(suggest({ service: 'diagnostic_evaluation', psychotherapyMinutes: 60 }).cpt).toEqual(['90791']);
  });
  it('with medical services → 90792', () => {
    expect(suggest({ service: 'diagnostic_evaluation', medicalServices: true }).cpt).toEqual(['90792']);
  });
  it('is not time-based: no start/stop warning', () => {
    expect(suggest({ service: 'diagnostic_evaluation' }).warnings).toEqual([]);
  });
});

describe('family psychotherapy', () => {
  it.each([
    ['family_with_client', 25, []],
    ['family_with_client', 26, ['90847']],
    ['family_without_client', 25, []],
    ['family_without_client', 26, ['90846']],
  ] as const)('%s %i min → %j', (service, minutes, cpt) => {
    const s = suggest({ service, psychotherapyMinutes: minutes, ...timed(minutes) });
    expect(s.cpt).toEqual(cpt);
    expect(warningCodes(s)).toEqual(cpt.length === 0 ? ['BELOW_BILLABLE_MINIMUM'] : []);
  });
});

describe('group psychotherapy', () => {
  it('→ 90853 whatever the minutes', () => {
    expect(suggest({ service: 'group', psychotherapyMinutes: 90 }).cpt).toEqual(['90853']);
  });
});

describe('crisis psychotherapy', () => {
  it.each([
    [29, ['90832']],
    [30, ['90839']],
    [74, ['90839']],
    [75, ['90839', '90840']],
    [104, ['90839', '90840']],
    [105, ['90839', '90840', '90840']],
    [134, ['90839', '90840', '90840']],
    [135, ['90839', '90840', '90840', '90840']],
    [164, ['90839', '90840', '90840', '90840']],
    [165, ['90839', '90840', '90840', '90840', '90840']],
  ])('%i min → %j', (minutes, cpt) => {
    expect(suggest({ service: 'crisis', psychotherapyMinutes: minutes, ...timed(minutes) }).cpt).toEqual(cpt);
  });

  it('under 30 min is not crisis: a warning, and the psychotherapy band code', () => {
    const s = suggest({ service: 'crisis', psychotherapyMinutes: 29, ...timed(29) });
    expect(warningCodes(s)).toEqual(['CRISIS_BELOW_MINIMUM']);
  });

  it('under 16 min is neither crisis nor billable psychotherapy', () => {
    const s = suggest({ service: 'crisis', psychotherapyMinutes: 10, ...timed(10) });
    expect(s.cpt).toEqual([]);
    expect(warningCodes(s)).toEqual(['CRISIS_BELOW_MINIMUM', 'BELOW_BILLABLE_MINIMUM']);
  });

  it('no psychotherapy add-on with crisis codes, even with an E/M', () => {
    const s = suggest({ service: 'crisis', psychotherapyMinutes: 60, emVisit: true, ...timed(80) });
    expect(s.cpt).toEqual(['90839']);
    expect(warningCodes(s)).toEqual(['EM_CODE_NOT_SUGGESTED']);
  });

  it('90840 units carry one rationale', () => {
    const s = suggest({ service: 'crisis', psychotherapyMinutes: 110, ...timed(110) });
    expect(s.rationale.filter((r) => r.code === '90840')).toHaveLength(1);
  });

  const complete =
    'Risk assessment: passive SI, no plan. Mental status: alert, oriented x4, affect constricted. Safety plan reviewed and signed.';

  it('a crisis note with risk, mental status and safety plan has no documentation warning', () => {
    const s = suggest({ service: 'crisis', psychotherapyMinutes: 60, ...timed(60) }, { note: complete });
    expect(s.warnings).toEqual([]);
  });

  it('a crisis note without a safety plan is warned about, naming what is missing', () => {
    const s = suggest(
      { service: 'crisis', psychotherapyMinutes: 60, ...timed(60) },
      { note: 'Client tearful. Risk assessed: denies SI. Mood low, affect flat.' },
    );
    expect(s.warnings).toEqual([
      {
        code: 'CRISIS_DOCUMENTATION_INCOMPLETE',
        message: 'crisis psychotherapy note does not document: safety plan',
      },
    ]);
  });

  it('a crisis note with none of the elements names all three', () => {
    const s = suggest(
      { service: 'crisis', psychotherapyMinutes: 60, ...timed(60) },
      { note: 'Talked about work.' },
    );
    expect(s.warnings[0]?.message).toBe(
      'crisis psychotherapy note does not document: risk assessment, mental status, safety plan',
    );
  });

  it('without a note, no documentation warning is guessed', () => {
    expect(suggest({ service: 'crisis', psychotherapyMinutes: 60, ...timed(60) }).warnings).toEqual([]);
  });
});

describe('90785 interactive complexity', () => {
  it.each([
    ['diagnostic_evaluation', false, false, 60, ['90791', '90785']],
    ['diagnostic_evaluation', false, true, 60, ['90792', '90785']],
    ['psychotherapy', false, false, 30, ['90832', '90785']],
    ['psychotherapy', false, false, 45, ['90834', '90785']],
    ['psychotherapy', false, false, 60, ['90837', '90785']],
    ['psychotherapy', true, false, 30, ['90833', '90785']],
    ['psychotherapy', true, false, 45, ['90836', '90785']],
    ['psychotherapy', true, false, 60, ['90838', '90785']],
    ['group', false, false, 60, ['90853', '90785']],
  ] as const)(
    'allowed with %s (E/M %s, medical %s, %i min) → %j',
    (service, emVisit, medicalServices, minutes, cpt) => {
      const s = suggest({
        service,
        emVisit,
        medicalServices,
        psychotherapyMinutes: minutes,
        interactiveComplexity: true,
      });
      expect(s.cpt).toEqual(cpt);
      expect(s.rationale.find((r) => r.code === '90785')?.reason).toBe(
        `interactive complexity documented, add-on to ${cpt[0]}`,
      );
    },
  );

  it('refused with crisis codes', () => {
    const s = suggest({
      service: 'crisis',
      psychotherapyMinutes: 80,
      interactiveComplexity: true,
      ...timed(80),
    });
    expect(s.cpt).toEqual(['90839', '90840']);
    expect(warningCodes(s)).toEqual(['INTERACTIVE_COMPLEXITY_WITH_CRISIS']);
  });

  it('refused with an E/M visit alone (psychotherapy under 16 min)', () => {
    const s = suggest({ psychotherapyMinutes: 10, emVisit: true, interactiveComplexity: true, ...timed(30) });
    expect(s.cpt).toEqual([]);
    expect(warningCodes(s)).toEqual([
      'BELOW_BILLABLE_MINIMUM',
      'EM_CODE_NOT_SUGGESTED',
      'INTERACTIVE_COMPLEXITY_WITH_EM_ONLY',
    ]);
  });

  it('refused with family psychotherapy', () => {
    const s = suggest({
      service: 'family_with_client',
      psychotherapyMinutes: 50,
      interactiveComplexity: true,
      ...timed(50),
    });
    expect(s.cpt).toEqual(['90847']);
    expect(warningCodes(s)).toEqual(['INTERACTIVE_COMPLEXITY_NOT_APPLICABLE']);
  });

  it('refused when no base code is billable', () => {
    const s = suggest({ psychotherapyMinutes: 12, interactiveComplexity: true, ...timed(12) });
    expect(s.cpt).toEqual([]);
    expect(warningCodes(s)).toEqual(['BELOW_BILLABLE_MINIMUM', 'INTERACTIVE_COMPLEXITY_NO_BASE_CODE']);
  });

  it('accompanies a crisis session under 30 min, which is coded as psychotherapy', () => {
    const s = suggest({
      service: 'crisis',
      psychotherapyMinutes: 25,
      interactiveComplexity: true,
      ...timed(25),
    });
    expect(s.cpt).toEqual(['90832', '90785']);
  });
});

describe('documentation warnings on time', () => {
  it('missing start/stop on a time-based code', () => {
    expect(warningCodes(suggest({ psychotherapyMinutes: 45 }))).toEqual(['MISSING_START_STOP']);
  });

  it('only a start is still missing start/stop', () => {
    expect(warningCodes(suggest({ psychotherapyMinutes: 45, start: '2026-01-05T09:00:00Z' }))).toEqual([
      'MISSING_START_STOP',
    ]);
  });

  it('stop before start is invalid', () => {
    const s = suggest({
      psychotherapyMinutes: 45,
      start: '2026-01-05T10:00:00Z',
      end: '2026-01-05T09:00:00Z',
    });
    expect(warningCodes(s)).toEqual(['INVALID_START_STOP']);
  });

  it('minutes longer than the documented session', () => {
    const s = suggest({
      psychotherapyMinutes: 55,
      start: '2026-01-05T09:00:00Z',
      end: '2026-01-05T09:45:00Z',
    });
    expect(s.cpt).toEqual(['90837']);
    expect(warningCodes(s)).toEqual(['TIME_EXCEEDS_SESSION']);
  });

  it('start/stop in a different band than the minutes contradicts the code', () => {
    const s = suggest({
      psychotherapyMinutes: 45,
      start: '2026-01-05T09:00:00Z',
      end: '2026-01-05T10:00:00Z',
    });
    expect(s.cpt).toEqual(['90834']);
    expect(warningCodes(s)).toEqual(['TIME_CONTRADICTS_CODE']);
  });

  it('start/stop a little longer than the minutes, same band, is fine', () => {
    const s = suggest({
      psychotherapyMinutes: 45,
      start: '2026-01-05T09:00:00Z',
      end: '2026-01-05T09:50:00Z',
    });
    expect(s.warnings).toEqual([]);
  });

  it('psychotherapy minutes filling the whole session with an E/M overlap the E/M', () => {
    const s = suggest({ psychotherapyMinutes: 45, emVisit: true, ...timed(45) });
    expect(s.cpt).toEqual(['90836']);
    expect(warningCodes(s)).toEqual(['EM_CODE_NOT_SUGGESTED', 'PSYCHOTHERAPY_TIME_OVERLAPS_EM']);
  });

  it('with an E/M, psychotherapy shorter than the session is expected, not contradictory', () => {
    const s = suggest({ psychotherapyMinutes: 30, emVisit: true, ...timed(50) });
    expect(warningCodes(s)).toEqual(['EM_CODE_NOT_SUGGESTED']);
  });
});

describe('ICD-10-CM', () => {
  const icd = (diagnoses: string[]): CodingSuggestion =>
    suggestCodes({ encounter: encounter({ service: 'group' }), diagnoses });

  it('normalizes case and the dot', () => {
    expect(icd(['f32.1', 'F411', ' f43.10 ', 'F33']).icd10).toEqual(['F32.1', 'F41.1', 'F43.10', 'F33']);
  });

  it.each([['F3'], ['32.1'], ['FF2.1'], ['F32.12345'], ['F32..1'], ['F32-1'], ['']])(
    'drops a badly shaped code %j with a warning',
    (bad) => {
      const s = icd([bad, 'F41.1']);
      expect(s.icd10).toEqual(['F41.1']);
      expect(warningCodes(s)).toEqual(['ICD10_INVALID_FORMAT']);
    },
  );

  it('a Z code alone is a warning', () => {
    const s = icd(['Z63.0']);
    expect(s.icd10).toEqual(['Z63.0']);
    expect(warningCodes(s)).toEqual(['ICD10_Z_CODE_ONLY']);
  });

  it('a Z code as secondary is fine', () => {
    expect(icd(['F43.10', 'Z63.0']).warnings).toEqual([]);
  });

  it('a primary that is not an F code is a warning', () => {
    const s = icd(['G47.00', 'F51.01']);
    expect(warningCodes(s)).toEqual(['ICD10_PRIMARY_NOT_F']);
  });

  it('no diagnosis is a warning', () => {
    expect(warningCodes(icd([]))).toEqual(['ICD10_MISSING']);
  });

  it('a duplicate is kept once', () => {
    const s = icd(['F32.1', 'f321']);
    expect(s.icd10).toEqual(['F32.1']);
    expect(warningCodes(s)).toEqual(['ICD10_DUPLICATE']);
  });

  it('F17.210 (nicotine) is not labelled Part 2', () => {
    expect(icd(['F17.210']).labels).toEqual([]);
  });

  it('F10.21 (alcohol dependence in remission) is labelled Part 2', () => {
    const s = icd(['F32.1', 'F10.21']);
    expect(s.labels).toEqual(['42CFRPart2']);
    expect(s.rationale.find((r) => r.code === 'F10.21')?.reason).toContain('42 CFR Part 2');
  });

  it.each([['F11.20'], ['F12.10'], ['F16.20'], ['F18.10'], ['F19.20']])('%s is labelled Part 2', (code) => {
    expect(icd([code]).labels).toEqual(['42CFRPart2']);
  });

  it.each([['F20.9'], ['F09'], ['F32.1']])('%s is not labelled Part 2', (code) => {
    expect(icd([code]).labels).toEqual([]);
  });

  it('several SUD codes give the label once', () => {
    expect(icd(['F10.20', 'F11.20']).labels).toEqual(['42CFRPart2']);
  });
});

describe('rationale', () => {
  it('every distinct emitted CPT and ICD-10 code has exactly one rationale entry, across services, minutes and flags', () => {
    const services = [
      'psychotherapy',
      'diagnostic_evaluation',
      'family_with_client',
      'family_without_client',
      'group',
      'crisis',
    ] as const;
    let checked = 0;
    for (const service of services) {
      for (const minutes of [0, 15, 16, 29, 30, 45, 53, 74, 75, 105, 200]) {
        for (const flags of [0, 1, 2, 3, 4, 5, 6, 7]) {
          const s = suggestCodes({
            encounter: encounter({
              service,
              psychotherapyMinutes: minutes,
              emVisit: (flags & 1) !== 0,
              interactiveComplexity: (flags & 2) !== 0,
              medicalServices: (flags & 4) !== 0,
            }),
            diagnoses: ['F32.1', 'F10.21', 'Z63.0'],
          });
          const emitted = [...new Set([...s.cpt, ...s.icd10])].sort();
          expect(s.rationale.map((r) => r.code).sort()).toEqual(emitted);
          checked += s.cpt.length;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
