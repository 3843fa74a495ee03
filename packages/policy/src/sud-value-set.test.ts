import { describe, expect, it } from 'vitest';
import {
  SUD_SNOMED_EXCLUDED,
  SUD_SNOMED_IDS,
  SUD_SNOMED_SUPPLEMENT,
  SUD_SNOMED_VSAC,
  isSudSnomedConcept,
} from './sud-value-set.js';

describe('SUD SNOMED CT value set', () => {
  it('holds the 274 VSAC concepts and the 7 supplementary ones, each once', () => {
    const vsac = Object.values(SUD_SNOMED_VSAC).flat();
    expect(vsac).toHaveLength(274);
    expect(SUD_SNOMED_SUPPLEMENT).toHaveLength(7);
    expect(SUD_SNOMED_IDS.size).toBe(281);
  });

  it('ids are SCTID-shaped and every concept has its display name', () => {
    for (const [id, display] of [...Object.values(SUD_SNOMED_VSAC).flat(), ...SUD_SNOMED_SUPPLEMENT]) {
      expect(id).toMatch(/^[1-9][0-9]{5,17}$/);
      expect(display).toMatch(/\((disorder|finding)\)$/);
    }
  });

  it('contains no tobacco, nicotine or caffeine concept', () => {
    for (const [id, display] of [...Object.values(SUD_SNOMED_VSAC).flat(), ...SUD_SNOMED_SUPPLEMENT]) {
      expect(display).not.toMatch(/tobacco|nicotine|caffeine|smok/i);
      expect(SUD_SNOMED_EXCLUDED.map(([x]) => x)).not.toContain(id);
    }
  });

  it.each([
    ['66590003', true], // Alcohol dependence
    ['7200002', true], // Alcoholism
    ['5602001', true], // Opioid abuse
    ['85005007', true], // Cannabis dependence
    ['31956009', true], // Cocaine dependence
    ['21647008', true], // Amphetamine dependence
    ['231473004', true], // Benzodiazepine dependence
    ['38247002', true], // Hallucinogen dependence
    ['5002000', true], // Inhalant dependence
    ['191813001', true], // Chronic alcoholism in remission
    ['66214007', true], // Substance abuse
    ['56294008', false], // Nicotine dependence
    ['89765005', false], // Tobacco dependence syndrome
    ['77176002', false], // Smoker
    ['35489007', false], // Depressive disorder
  ])('%s → %s', (id, expected) => {
    expect(isSudSnomedConcept(id)).toBe(expected);
  });
});
