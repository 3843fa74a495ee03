import type { Consent, ConsentProvision } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { type ConsentQuery, evaluateConsent } from './consent.js';

const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const CARERELAY = 'https://carerelay.dev/fhir/CodeSystem/consent-category';
const NOW = new Date('2026-03-10T15:00:00Z');
const CARE_TEAM = 'CareTeam/sbx-careteam-riley';

const IRCP = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
};

function purposes(...codes: string[]): ConsentProvision['purpose'] {
  return codes.map((code) => ({ system: ACT_REASON, code }));
}

/** Riley's written Part 2 consent, shaped like the sandbox seed: care team may receive for treatment. */
function part2Consent(overrides: Partial<Consent> = {}, provision: Partial<ConsentProvision> = {}): Consent {
  return {
    resourceType: 'Consent',
    id: 'consent-riley-part2',
    meta: { versionId: '1', lastUpdated: '2025-09-03T19:05:00Z' },
    status: 'active',
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: 'Patient/sbx-client-riley' },
    dateTime: '2025-09-03T15:05:00-04:00',
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }],
    },
    provision: {
      type: 'permit',
      period: { start: '2025-09-03' },
      actor: [{ role: IRCP, reference: { reference: CARE_TEAM } }],
      purpose: purposes('TREAT'),
      ...provision,
    },
    ...overrides,
  };
}

function aiConsent(overrides: Partial<Consent> = {}): Consent {
  return {
    resourceType: 'Consent',
    id: 'consent-riley-ai',
    meta: { versionId: '4', lastUpdated: '2025-10-01T12:00:00Z' },
    status: 'active',
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [
      { coding: [{ system: 'http://loinc.org', code: '59284-0' }] },
      { coding: [{ system: CARERELAY, code: 'ai-assisted-processing' }] },
    ],
    patient: { reference: 'Patient/sbx-client-riley' },
    dateTime: '2025-10-01T08:00:00-04:00',
    provision: { type: 'permit' },
    ...overrides,
  };
}

const part2Query: ConsentQuery = { kind: 'part2', purpose: 'TREAT', recipients: [CARE_TEAM], at: NOW };

describe('evaluateConsent', () => {
  it('no consent → ABSENT, with the kind in the reason code', () => {
    expect(evaluateConsent([], part2Query)).toEqual({
      status: 'ABSENT',
      granted: false,
      consentRef: null,
      reasonCode: 'PART2_CONSENT_ABSENT',
    });
  });

  it('an active permit for TREAT covering now → GRANTED, naming the consent version', () => {
    expect(evaluateConsent([part2Consent()], part2Query)).toEqual({
      status: 'GRANTED',
      granted: true,
      consentRef: 'Consent/consent-riley-part2/_history/1',
      reasonCode: null,
    });
  });

  it('payment asked of a treatment-only consent → PURPOSE_NOT_COVERED', () => {
    const result = evaluateConsent([part2Consent()], { ...part2Query, purpose: 'HPAYMT' });
    expect(result.status).toBe('PURPOSE_NOT_COVERED');
    expect(result.reasonCode).toBe('PART2_CONSENT_PURPOSE_NOT_COVERED');
    expect(result.granted).toBe(false);
  });

  it('a provision listing no purpose covers treatment, payment and operations', () => {
    const consent = part2Consent({}, { purpose: undefined });
    expect(evaluateConsent([consent], { ...part2Query, purpose: 'HOPERAT' }).status).toBe('GRANTED');
  });

  it('a period that ended → EXPIRED (the end date itself still counts)', () => {
    const consent = part2Consent({}, { period: { start: '2025-09-03', end: '2026-03-09' } });
    expect(evaluateConsent([consent], part2Query).status).toBe('EXPIRED');
    const midnightAfter = new Date('2026-03-10T00:00:00Z');
    expect(evaluateConsent([consent], { ...part2Query, at: midnightAfter }).status).toBe('EXPIRED');
    const lastMoment = new Date('2026-03-09T23:59:59.999Z');
    expect(evaluateConsent([consent], { ...part2Query, at: lastMoment }).status).toBe('GRANTED');
    const lastDay = part2Consent({}, { period: { start: '2025-09-03', end: '2026-03-10' } });
    expect(evaluateConsent([lastDay], part2Query).status).toBe('GRANTED');
  });

  it('a period not yet started → NOT_YET_VALID', () => {
    const consent = part2Consent({}, { period: { start: '2026-04-01' } });
    expect(evaluateConsent([consent], part2Query).reasonCode).toBe('PART2_CONSENT_NOT_YET_VALID');
  });

  it('a newer inactive version revokes: REVOKED, naming the revocation', () => {
    const revoked = part2Consent({
      status: 'inactive',
      meta: { versionId: '2', lastUpdated: '2026-02-01T10:00:00Z' },
      dateTime: '2026-02-01T05:00:00-05:00',
    });
    expect(evaluateConsent([part2Consent(), revoked], part2Query)).toEqual({
      status: 'REVOKED',
      granted: false,
      consentRef: 'Consent/consent-riley-part2/_history/2',
      reasonCode: 'PART2_CONSENT_REVOKED',
    });
  });

  it('a revocation that only flips the status (same dateTime) still wins by version', () => {
    const revoked = part2Consent({
      status: 'rejected',
      meta: { versionId: '2', lastUpdated: '2026-02-01T10:00:00Z' },
    });
    expect(evaluateConsent([revoked, part2Consent()], part2Query).status).toBe('REVOKED');
  });

  it('a revocation withdraws an older separate consent of the same kind; a later one grants again', () => {
    const older = part2Consent({ id: 'consent-older', dateTime: '2025-01-05T09:00:00Z' });
    const revocation = part2Consent({ status: 'inactive', dateTime: '2025-12-01T09:00:00Z' });
    expect(evaluateConsent([older, revocation], part2Query).status).toBe('REVOKED');
    const renewed = part2Consent({
      id: 'consent-renewed',
      meta: { versionId: '1', lastUpdated: '2026-01-15T09:00:00Z' },
      dateTime: '2026-01-15T09:00:00Z',
    });
    expect(evaluateConsent([older, revocation, renewed], part2Query).consentRef).toBe(
      'Consent/consent-renewed/_history/1',
    );
  });

  it('a recipient the consent does not name → RECIPIENT_NOT_COVERED', () => {
    const result = evaluateConsent([part2Consent()], {
      ...part2Query,
      recipients: ['Organization/other-practice'],
    });
    expect(result.status).toBe('RECIPIENT_NOT_COVERED');
  });

  it('recipients compare as references, absolute or relative; an empty list is not checked', () => {
    const absolute = part2Consent(
      {},
      { actor: [{ role: IRCP, reference: { reference: `https://ehr.example/fhir/${CARE_TEAM}` } }] },
    );
    expect(evaluateConsent([absolute], part2Query).status).toBe('GRANTED');
    expect(evaluateConsent([part2Consent()], { ...part2Query, recipients: [] }).status).toBe('GRANTED');
  });

  it('an actor in another role (the disclosing program, PRCP) does not restrict the recipient', () => {
    const consent = part2Consent(
      {},
      {
        actor: [
          {
            role: {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PRCP' },
              ],
            },
            reference: { reference: 'Organization/sud-clinic' },
          },
        ],
      },
    );
    expect(evaluateConsent([consent], part2Query).status).toBe('GRANTED');
  });

  it('a nested deny for payment → DENIED_BY_PROVISION for payment, treatment still granted', () => {
    const consent = part2Consent(
      {},
      {
        purpose: purposes('TREAT', 'HPAYMT', 'HOPERAT'),
        provision: [{ type: 'deny', purpose: purposes('HPAYMT') }],
      },
    );
    expect(evaluateConsent([consent], { ...part2Query, purpose: 'HPAYMT' })).toEqual({
      status: 'DENIED_BY_PROVISION',
      granted: false,
      consentRef: 'Consent/consent-riley-part2/_history/1',
      reasonCode: 'PART2_CONSENT_DENIED_BY_PROVISION',
    });
    expect(evaluateConsent([consent], part2Query).status).toBe('GRANTED');
  });

  it('an AI-processing consent does not satisfy a Part 2 question, and vice versa', () => {
    expect(evaluateConsent([aiConsent()], part2Query).status).toBe('ABSENT');
    const aiQuery: ConsentQuery = { ...part2Query, kind: 'ai_processing' };
    expect(evaluateConsent([part2Consent()], aiQuery)).toEqual({
      status: 'ABSENT',
      granted: false,
      consentRef: null,
      reasonCode: 'AI_CONSENT_ABSENT',
    });
    expect(evaluateConsent([part2Consent(), aiConsent()], aiQuery).consentRef).toBe(
      'Consent/consent-riley-ai/_history/4',
    );
  });

  it('a LOINC 59284-0 category alone concerns no kind', () => {
    const bare = aiConsent({ category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }] });
    expect(evaluateConsent([bare], { ...part2Query, kind: 'recording' }).reasonCode).toBe(
      'RECORDING_CONSENT_ABSENT',
    );
  });

  it('a recording consent revoked → RECORDING_CONSENT_REVOKED', () => {
    const recording = aiConsent({
      id: 'consent-rec',
      category: [{ coding: [{ system: CARERELAY, code: 'session-recording' }] }],
    });
    const revoked = { ...recording, status: 'inactive' as const, meta: { versionId: '5' } };
    const result = evaluateConsent([recording, revoked], { ...part2Query, kind: 'recording' });
    expect(result.reasonCode).toBe('RECORDING_CONSENT_REVOKED');
    expect(result.consentRef).toBe('Consent/consent-rec/_history/5');
  });

  it('recognizes a Part 2 consent by the regulation’s policy URI alone', () => {
    const byUri = part2Consent({
      policyRule: undefined,
      policy: [{ uri: 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2' }],
    });
    expect(evaluateConsent([byUri], part2Query).status).toBe('GRANTED');
  });

  it('draft, proposed and entered-in-error consents are ignored', () => {
    const ignored = (['draft', 'proposed', 'entered-in-error'] as const).map((status, i) =>
      part2Consent({ id: `c-${i}`, status }),
    );
    expect(evaluateConsent(ignored, part2Query).status).toBe('ABSENT');
  });

  it('a consent whose latest version is entered-in-error grants nothing', () => {
    const voided = part2Consent({ status: 'entered-in-error', meta: { versionId: '2' } });
    expect(evaluateConsent([part2Consent(), voided], part2Query).status).toBe('ABSENT');
  });

  it('any one granting consent suffices when another is expired', () => {
    const expired = part2Consent(
      { id: 'consent-newer-expired', dateTime: '2026-01-01T00:00:00Z' },
      { period: { start: '2026-01-01', end: '2026-02-01' } },
    );
    const result = evaluateConsent([expired, part2Consent()], part2Query);
    expect(result.status).toBe('GRANTED');
    expect(result.consentRef).toBe('Consent/consent-riley-part2/_history/1');
  });

  it('a newer top-level deny for the same purpose refuses despite an older permit', () => {
    const optOut = part2Consent(
      { id: 'consent-opt-out', dateTime: '2026-02-20T00:00:00Z' },
      { type: 'deny', actor: undefined, purpose: purposes('TREAT') },
    );
    expect(evaluateConsent([part2Consent(), optOut], part2Query).consentRef).toBe(
      'Consent/consent-opt-out/_history/1',
    );
    expect(evaluateConsent([part2Consent(), optOut], part2Query).status).toBe('DENIED_BY_PROVISION');
  });

  it('a root deny with a nested permit for the care team grants treatment to them only', () => {
    const consent = part2Consent(
      {},
      {
        type: 'deny',
        period: undefined,
        actor: undefined,
        purpose: undefined,
        provision: [
          {
            type: 'permit',
            purpose: purposes('TREAT'),
            actor: [{ role: IRCP, reference: { reference: CARE_TEAM } }],
          },
        ],
      },
    );
    expect(evaluateConsent([consent], part2Query).status).toBe('GRANTED');
    expect(evaluateConsent([consent], { ...part2Query, purpose: 'HOPERAT' }).status).toBe(
      'DENIED_BY_PROVISION',
    );
  });
});
