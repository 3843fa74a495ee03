import type { CareTeam, Patient, Practitioner, RelatedPerson } from '@medplum/fhirtypes';
import { SANDBOX_CLIENTS, SANDBOX_MRN_SYSTEM, SANDBOX_PRACTITIONERS, type SandboxClientKey } from './ids.js';

const ADDRESSES: Record<SandboxClientKey, { line: string; city: string; postalCode: string }> = {
  avery: { line: '418 Alder Hollow Rd', city: 'Brookfield', postalCode: '01506' },
  jordan: { line: '77 Pemberton Ct Apt 3B', city: 'Westlake', postalCode: '44145' },
  riley: { line: '2210 Quarry Ridge Ln', city: 'Millbrook', postalCode: '12545' },
};

const GENDERS: Record<SandboxClientKey, Patient['gender']> = {
  avery: 'female',
  jordan: 'male',
  riley: 'female',
};

const RELATED: Record<
  SandboxClientKey,
  { given: string; family: string; relationship: string; display: string; phone: string }
> = {
  avery: {
    given: 'Sam',
    family: 'Lindqvist',
    relationship: 'DOMPART',
    display: 'domestic partner',
    phone: '555-0142',
  },
  jordan: { given: 'Grace', family: 'Okafor', relationship: 'MTH', display: 'mother', phone: '555-0173' },
  riley: { given: 'Nico', family: 'Castellano', relationship: 'BRO', display: 'brother', phone: '555-0194' },
};

const CARE_TEAMS: Record<SandboxClientKey, (keyof typeof SANDBOX_PRACTITIONERS)[]> = {
  avery: ['therapist', 'psychiatrist'],
  jordan: ['therapist'],
  riley: ['counselor', 'psychiatrist'],
};

export function practitionerRef(key: keyof typeof SANDBOX_PRACTITIONERS): {
  reference: string;
  display: string;
} {
  const p = SANDBOX_PRACTITIONERS[key];
  return { reference: `Practitioner/${p.id}`, display: `${p.given} ${p.family}, ${p.credential}` };
}

export function patientRef(key: SandboxClientKey): { reference: string; display: string } {
  const c = SANDBOX_CLIENTS[key];
  return { reference: `Patient/${c.patientId}`, display: `${c.given} ${c.family}` };
}

export function practitioners(): Practitioner[] {
  return Object.values(SANDBOX_PRACTITIONERS).map((p) => ({
    resourceType: 'Practitioner',
    id: p.id,
    active: true,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: p.npi }],
    name: [{ given: [p.given], family: p.family, suffix: [p.credential] }],
    qualification: [{ code: { text: p.credential } }],
  }));
}

export function patients(): Patient[] {
  return (Object.keys(SANDBOX_CLIENTS) as SandboxClientKey[]).map((key) => {
    const c = SANDBOX_CLIENTS[key];
    const address = ADDRESSES[key];
    return {
      resourceType: 'Patient',
      id: c.patientId,
      active: true,
      identifier: [
        {
          use: 'usual',
          type: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
                code: 'MR',
                display: 'Medical record number',
              },
            ],
          },
          system: SANDBOX_MRN_SYSTEM,
          value: c.mrn,
        },
      ],
      name: [{ use: 'official', given: [c.given], family: c.family }],
      gender: GENDERS[key],
      birthDate: c.birthDate,
      telecom: [
        { system: 'phone', value: c.phone, use: 'mobile' },
        { system: 'email', value: `${c.given.toLowerCase()}.${key}@example.org`, use: 'home' },
      ],
      address: [
        {
          use: 'home',
          line: [address.line],
          city: address.city,
          state: 'NY',
          postalCode: address.postalCode,
          country: 'US',
        },
      ],
      generalPractitioner: [practitionerRef(CARE_TEAMS[key][0] ?? 'therapist')],
    };
  });
}

export function relatedPersons(): RelatedPerson[] {
  return (Object.keys(SANDBOX_CLIENTS) as SandboxClientKey[]).map((key) => {
    const r = RELATED[key];
    return {
      resourceType: 'RelatedPerson',
      id: SANDBOX_CLIENTS[key].relatedPersonId,
      active: true,
      patient: patientRef(key),
      relationship: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
              code: r.relationship,
              display: r.display,
            },
            {
              system: 'http://terminology.hl7.org/CodeSystem/v2-0131',
              code: 'C',
              display: 'Emergency Contact',
            },
          ],
        },
      ],
      name: [{ given: [r.given], family: r.family }],
      telecom: [{ system: 'phone', value: r.phone, use: 'mobile' }],
    };
  });
}

/** The care team is what the connector's relationship check reads ("is this clinician on the team?"). */
export function careTeams(): CareTeam[] {
  return (Object.keys(SANDBOX_CLIENTS) as SandboxClientKey[]).map((key) => ({
    resourceType: 'CareTeam',
    id: SANDBOX_CLIENTS[key].careTeamId,
    status: 'active',
    name: `Behavioral health team for ${SANDBOX_CLIENTS[key].given} ${SANDBOX_CLIENTS[key].family}`,
    subject: patientRef(key),
    participant: CARE_TEAMS[key].map((p, index) => ({
      role: [{ text: index === 0 ? 'primary clinician' : 'consulting clinician' }],
      member: practitionerRef(p),
    })),
  }));
}
