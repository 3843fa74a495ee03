/**
 * Well-known ids and facts of the synthetic sandbox data, so tests elsewhere can
 * refer to a seeded client without searching. Every person here is invented; all
 * resources carry the HL7 `HTEST` (test health data) tag.
 */
export const SANDBOX_MRN_SYSTEM = 'urn:carerelay:sandbox:mrn';

export const SANDBOX_PRACTITIONERS = {
  therapist: {
    id: 'sbx-pract-therapist',
    given: 'Dana',
    family: 'Whitcombe',
    credential: 'LCSW',
    npi: '9990000011',
  },
  psychiatrist: {
    id: 'sbx-pract-psychiatrist',
    given: 'Marcus',
    family: 'Oyelaran',
    credential: 'MD',
    npi: '9990000029',
  },
  counselor: {
    id: 'sbx-pract-sud-counselor',
    given: 'Priya',
    family: 'Halvorsen',
    credential: 'LADC',
    npi: '9990000037',
  },
} as const;

export const SANDBOX_CLIENTS = {
  /** Recurrent depression; owns the 53-minute individual session and an open session today. */
  avery: {
    patientId: 'sbx-patient-avery',
    mrn: 'SBX-100001',
    given: 'Avery',
    family: 'Lindqvist',
    birthDate: '1988-03-14',
    phone: '555-0141',
    relatedPersonId: 'sbx-related-avery-partner',
    careTeamId: 'sbx-careteam-avery',
    conditionIds: ['sbx-cond-avery-f33-1'],
    encounterIds: {
      intake: 'sbx-enc-avery-2025-09-02',
      /** Individual psychotherapy, 14:00–14:53 (53 minutes: the 90837 threshold). */
      session53: 'sbx-enc-avery-2025-09-16',
      /** In progress: tests finish it to trigger "session ended". */
      open: 'sbx-enc-avery-open',
    },
    noteIds: ['sbx-note-avery-2025-09-02', 'sbx-note-avery-2025-09-16'],
    carePlanId: 'sbx-careplan-avery',
    goalIds: ['sbx-goal-avery-mood', 'sbx-goal-avery-activation'],
    phq9: { responseId: 'sbx-qr-avery-phq9', observationId: 'sbx-obs-avery-phq9', total: 14, item9: 0 },
    gad7: { responseId: 'sbx-qr-avery-gad7', observationId: 'sbx-obs-avery-gad7', total: 8 },
    communicationIds: ['sbx-msg-avery-reschedule'],
  },
  /** Generalized anxiety; latest PHQ-9 item 9 is positive (same-day follow-up case). */
  jordan: {
    patientId: 'sbx-patient-jordan',
    mrn: 'SBX-100002',
    given: 'Jordan',
    family: 'Okafor-Reyes',
    birthDate: '1995-11-02',
    phone: '555-0172',
    relatedPersonId: 'sbx-related-jordan-parent',
    careTeamId: 'sbx-careteam-jordan',
    conditionIds: ['sbx-cond-jordan-f41-1', 'sbx-cond-jordan-z56-6'],
    encounterIds: { intake: 'sbx-enc-jordan-2025-09-04', followUp: 'sbx-enc-jordan-2025-09-18' },
    noteIds: ['sbx-note-jordan-2025-09-04', 'sbx-note-jordan-2025-09-18'],
    carePlanId: 'sbx-careplan-jordan',
    goalIds: ['sbx-goal-jordan-worry'],
    phq9: { responseId: 'sbx-qr-jordan-phq9', observationId: 'sbx-obs-jordan-phq9', total: 11, item9: 1 },
    gad7: { responseId: 'sbx-qr-jordan-gad7', observationId: 'sbx-obs-jordan-gad7', total: 15 },
    communicationIds: ['sbx-msg-jordan-hard-week'],
  },
  /** Alcohol use disorder (F10.20): SUD records carry 42 CFR Part 2 labels; Part 2 consent on file. */
  riley: {
    patientId: 'sbx-patient-riley',
    mrn: 'SBX-100003',
    given: 'Riley',
    family: 'Castellano',
    birthDate: '1979-06-21',
    phone: '555-0193',
    relatedPersonId: 'sbx-related-riley-sibling',
    careTeamId: 'sbx-careteam-riley',
    conditionIds: ['sbx-cond-riley-f10-20', 'sbx-cond-riley-f32-0'],
    encounterIds: { intake: 'sbx-enc-riley-2025-09-03', followUp: 'sbx-enc-riley-2025-09-17' },
    noteIds: ['sbx-note-riley-2025-09-03', 'sbx-note-riley-2025-09-17'],
    carePlanId: 'sbx-careplan-riley',
    goalIds: ['sbx-goal-riley-abstinence'],
    phq9: { responseId: 'sbx-qr-riley-phq9', observationId: 'sbx-obs-riley-phq9', total: 8, item9: 0 },
    gad7: { responseId: 'sbx-qr-riley-gad7', observationId: 'sbx-obs-riley-gad7', total: 6 },
    consentId: 'sbx-consent-riley-part2',
    communicationIds: ['sbx-msg-riley-meeting'],
  },
} as const;

export type SandboxClientKey = keyof typeof SANDBOX_CLIENTS;

/** meta.security labels for SUD records (DOMAIN.md, 42 CFR Part 2). */
export const PART2_SECURITY_LABELS = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2', display: '42 CFR Part2' },
  {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'ETH',
    display: 'substance abuse information sensitivity',
  },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
] as const;

export const SYNTHETIC_TAG = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  code: 'HTEST',
  display: 'test health data',
} as const;

/** meta for a SUD-related resource; the connector must find these labels before any disclosure. */
export function part2Meta(): { security: { system: string; code: string; display: string }[] } {
  return { security: PART2_SECURITY_LABELS.map((label) => ({ ...label })) };
}
