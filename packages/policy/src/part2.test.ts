import type { Condition, DocumentReference, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  PART2_NOTICE,
  classifyPart2,
  excludedFromModel,
  isSudIcd10,
  isSudSnomed,
  referenceKey,
} from './part2.js';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const SCT = 'http://snomed.info/sct';
const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const DOC_TYPE = 'https://carerelay.dev/fhir/CodeSystem/document-type';

function condition(id: string, system: string, code: string, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    code: { coding: [{ system, code }] },
    subject: { reference: 'Patient/sbx-client-1' },
    ...extra,
  };
}

function progressNote(
  id: string,
  security: { system?: string; code: string }[],
  typeCode?: string,
): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: { security },
    status: 'current',
    docStatus: 'final',
    type: {
      coding: [
        typeCode
          ? { system: DOC_TYPE, code: typeCode }
          : { system: 'http://loinc.org', code: '34904-3', display: 'Mental health Progress note' },
      ],
    },
    subject: { reference: 'Patient/sbx-client-1' },
    content: [{ attachment: { contentType: 'text/plain', data: 'U3ludGhldGljIG5vdGUu' } }],
  };
}

describe('isSudIcd10', () => {
  it.each([
    ['F10.21', true], // alcohol dependence, in remission
    ['F11.20', true],
    ['f1520', true], // no dot, lower case
    ['  F19.99 ', true],
    ['F12.11', true], // cannabis abuse, in remission
    ['F16.20', true],
    ['F18.10', true],
    ['F13', true],
    ['F17.210', false], // nicotine dependence, cigarettes: §2.11 excludes tobacco
    ['F17.200', false],
    ['Z71.41', false], // alcohol abuse counseling of the patient: a Z code, not a diagnosis of SUD
    ['Z63.0', false],
    ['F20.9', false],
    ['F32.1', false],
    ['F1', false],
    ['', false],
  ])('%s → %s', (code, expected) => {
    expect(isSudIcd10(code)).toBe(expected);
  });
});

describe('isSudSnomed', () => {
  it('recognizes alcohol dependence (66590003) and opioid dependence (75544000)', () => {
    expect(isSudSnomed('66590003')).toBe(true);
    expect(isSudSnomed('75544000')).toBe(true);
  });

  it('does not recognize nicotine dependence (56294008) or tobacco dependence syndrome (89765005)', () => {
    expect(isSudSnomed('56294008')).toBe(false);
    expect(isSudSnomed('89765005')).toBe(false);
  });

  it('does not recognize an unrelated disorder (major depression, 370143000)', () => {
    expect(isSudSnomed('370143000')).toBe(false);
  });
});

describe('classifyPart2', () => {
  it('a smoker (F17.210 alone) is not Part 2', () => {
    expect(classifyPart2([condition('c-smoke', ICD, 'F17.210')])).toEqual({ part2: false, reasons: [] });
  });

  it('alcohol dependence in remission (F10.21) is Part 2 by ICD-10', () => {
    expect(classifyPart2([condition('c-aud', ICD, 'F10.21')])).toEqual({
      part2: true,
      reasons: [{ ref: 'Condition/c-aud', rule: 'ICD10_SUD', detail: 'F10.21', element: 'Condition.code' }],
    });
  });

  it('opioid dependence F11.20 and an undotted lower-case f1520 are Part 2', () => {
    const finding = classifyPart2([condition('c-oud', ICD, 'F11.20'), condition('c-stim', ICD, 'f1520')]);
    expect(finding.part2).toBe(true);
    expect(finding.reasons.map((r) => r.detail)).toEqual(['F11.20', 'f1520']);
  });

  it('a Z code (Z71.41) is not Part 2', () => {
    expect(classifyPart2([condition('c-z', ICD, 'Z71.41')]).part2).toBe(false);
  });

  it('an ETH label alone makes a record Part 2', () => {
    const patient: Patient = {
      resourceType: 'Patient',
      id: 'sbx-client-1',
      meta: { security: [{ system: ACT, code: 'ETH' }] },
    };
    expect(classifyPart2([patient]).reasons).toEqual([
      { ref: 'Patient/sbx-client-1', rule: 'SECURITY_LABEL', detail: 'ETH', element: 'meta.security' },
    ]);
  });

  it('a 42CFRPart2 label makes a record Part 2, with or without a system', () => {
    const withSystem = progressNote('n-1', [{ system: ACT, code: '42CFRPart2' }]);
    const codeOnly = progressNote('n-2', [{ code: '42CFRPart2' }]);
    expect(classifyPart2([withSystem, codeOnly]).reasons.map((r) => [r.ref, r.detail])).toEqual([
      ['DocumentReference/n-1', '42CFRPart2'],
      ['DocumentReference/n-2', '42CFRPart2'],
    ]);
  });

  it('an ETH code from another code system is not the Part 2 label', () => {
    const note = progressNote('n-3', [{ system: 'https://ehr.example/labels', code: 'ETH' }]);
    expect(classifyPart2([note]).part2).toBe(false);
  });

  it('SNOMED alcohol dependence (66590003) is Part 2; SNOMED nicotine dependence (56294008) is not', () => {
    expect(classifyPart2([condition('c-sct', SCT, '66590003')]).reasons).toEqual([
      { ref: 'Condition/c-sct', rule: 'SNOMED_SUD', detail: '66590003', element: 'Condition.code' },
    ]);
    expect(classifyPart2([condition('c-nic', SCT, '56294008')]).part2).toBe(false);
  });

  it('an entered-in-error or refuted F10.20 Condition does not count', () => {
    const voided = condition('c-err', ICD, 'F10.20', {
      verificationStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' },
        ],
      },
    });
    const refuted = condition('c-ref', ICD, 'F10.20', {
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }],
      },
    });
    expect(classifyPart2([voided, refuted]).part2).toBe(false);
  });

  it('a Condition asserted by a configured Part 2 program is Part 2; the same org unconfigured is not', () => {
    const depression = condition('c-dep', ICD, 'F32.1', {
      asserter: { reference: 'Organization/sud-clinic' },
    });
    expect(classifyPart2([depression], { part2Programs: ['Organization/sud-clinic'] })).toEqual({
      part2: true,
      reasons: [
        {
          ref: 'Condition/c-dep',
          rule: 'PART2_PROGRAM_SOURCE',
          detail: 'Organization/sud-clinic',
          element: 'Condition.asserter',
        },
      ],
    });
    expect(classifyPart2([depression]).part2).toBe(false);
    expect(classifyPart2([depression], { part2Programs: ['Organization/other'] }).part2).toBe(false);
  });

  it('recognizes a Part 2 program by absolute reference, meta.source, custodian, performer and serviceProvider', () => {
    const programs = { part2Programs: ['Organization/sud-clinic'] };
    const note: DocumentReference = {
      ...progressNote('n-4', []),
      custodian: { reference: 'https://ehr.example/fhir/Organization/sud-clinic' },
    };
    const observation: Observation = {
      resourceType: 'Observation',
      id: 'o-1',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      performer: [{ reference: 'Practitioner/p1' }, { reference: 'Organization/sud-clinic' }],
    };
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'e-1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      serviceProvider: { reference: 'Organization/sud-clinic' },
    };
    const fromSource = condition('c-src', ICD, 'F41.1', {
      meta: { source: 'Organization/sud-clinic#req-7' },
    });
    const elements = classifyPart2([note, observation, encounter, fromSource], programs).reasons.map(
      (r) => r.element,
    );
    expect(elements).toEqual([
      'DocumentReference.custodian',
      'Observation.performer',
      'Encounter.serviceProvider',
      'meta.source',
    ]);
  });

  it('reads SUD codes in Observation.valueCodeableConcept and Encounter.reasonCode', () => {
    const observation: Observation = {
      resourceType: 'Observation',
      id: 'o-2',
      status: 'final',
      code: { text: 'problem' },
      valueCodeableConcept: { coding: [{ system: SCT, code: '75544000' }] },
    };
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'e-2',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      reasonCode: [{ coding: [{ system: ICD, code: 'F12.20' }] }],
    };
    expect(classifyPart2([observation, encounter]).reasons.map((r) => [r.ref, r.rule])).toEqual([
      ['Observation/o-2', 'SNOMED_SUD'],
      ['Encounter/e-2', 'ICD10_SUD'],
    ]);
  });

  it('an F-code without a code system is not read as ICD-10', () => {
    const unsystemed: Condition = {
      ...condition('c-nosys', ICD, 'F10.20'),
      code: { coding: [{ code: 'F10.20' }] },
    };
    expect(classifyPart2([unsystemed]).part2).toBe(false);
  });
});

describe('referenceKey', () => {
  it('reduces relative, absolute, versioned and fragment forms to Type/id', () => {
    expect(referenceKey('Organization/a')).toBe('Organization/a');
    expect(referenceKey('https://ehr.example/fhir/Organization/a/_history/3')).toBe('Organization/a');
    expect(referenceKey('Organization/a#req-1')).toBe('Organization/a');
    expect(referenceKey('#contained')).toBeNull();
    expect(referenceKey(undefined)).toBeNull();
  });
});

describe('excludedFromModel', () => {
  it('a PSY-labeled document is a psychotherapy note', () => {
    expect(excludedFromModel(progressNote('n-psy', [{ system: ACT, code: 'PSY' }]))).toBe(
      'PSYCHOTHERAPY_NOTE',
    );
  });

  it('a document labeled ETH and PSY is an SUD counseling note', () => {
    const doc = progressNote('n-sud', [
      { system: ACT, code: 'ETH' },
      { system: ACT, code: 'PSY' },
    ]);
    expect(excludedFromModel(doc)).toBe('SUD_COUNSELING_NOTE');
  });

  it('a counseling-note type labeled 42CFRPart2 is an SUD counseling note', () => {
    expect(
      excludedFromModel(progressNote('n-c', [{ system: ACT, code: '42CFRPart2' }], 'counseling-note')),
    ).toBe('SUD_COUNSELING_NOTE');
  });

  it('a psychotherapy-note type without labels is a psychotherapy note', () => {
    expect(excludedFromModel(progressNote('n-pt', [], 'psychotherapy-note'))).toBe('PSYCHOTHERAPY_NOTE');
  });

  it('an ordinary progress note is usable, even from a Part 2 program (42CFRPart2, ETH, R)', () => {
    expect(excludedFromModel(progressNote('n-plain', []))).toBeNull();
    const part2Note = progressNote('n-p2', [
      { system: ACT, code: '42CFRPart2' },
      { system: ACT, code: 'ETH' },
      { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
    ]);
    expect(excludedFromModel(part2Note)).toBeNull();
  });

  it('a counseling-note type without Part 2 labels is usable', () => {
    expect(excludedFromModel(progressNote('n-cn', [], 'counseling-note'))).toBeNull();
  });
});

describe('PART2_NOTICE', () => {
  it('is the 2024 rule short form of the §2.32 notice', () => {
    expect(PART2_NOTICE).toBe('42 CFR part 2 prohibits unauthorized use or disclosure of these records.');
  });
});
