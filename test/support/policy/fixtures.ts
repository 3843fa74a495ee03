import type { CareTeam, Communication, Condition, DocumentReference, Patient } from '@medplum/fhirtypes';
import type { FhirClient } from '@carerelay/ehr';

/**
 * Clients and records the policy test adds to the sandbox EHR. Invented people; the
 * values are written here by hand, never taken from the code under test.
 */
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

export interface NewClient {
  readonly patientId: string;
  readonly given: string;
  readonly family: string;
  readonly mrn: string;
}

/** A client with one active ICD-10 diagnosis and a care team of one practitioner, nothing else. */
export async function createClient(
  fhir: FhirClient,
  person: { given: string; family: string; mrn: string },
  diagnosis: { code: string; display: string },
  practitionerId: string,
): Promise<NewClient> {
  const patient = await fhir.create<Patient>({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:carerelay:sandbox:mrn', value: person.mrn }],
    name: [{ use: 'official', given: [person.given], family: person.family }],
    birthDate: '1990-01-01',
  });
  const patientId = patient.id!;
  await fhir.create<CareTeam>({
    resourceType: 'CareTeam',
    status: 'active',
    subject: { reference: `Patient/${patientId}` },
    participant: [
      { role: [{ text: 'primary clinician' }], member: { reference: `Practitioner/${practitionerId}` } },
    ],
  });
  await fhir.create<Condition>({
    resourceType: 'Condition',
    subject: { reference: `Patient/${patientId}` },
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    code: { coding: [{ system: ICD10CM, code: diagnosis.code, display: diagnosis.display }] },
  });
  return { patientId, ...person };
}

/** A signed progress note labelled PSY: psychotherapy notes never go to a model (45 CFR 164.501). */
export async function createPsychotherapyNote(
  fhir: FhirClient,
  patientId: string,
  practitionerId: string,
  text: string,
): Promise<string> {
  const doc = await fhir.create<DocumentReference>({
    resourceType: 'DocumentReference',
    meta: {
      security: [{ system: ACT_CODE, code: 'PSY', display: 'psychiatry disorder information sensitivity' }],
    },
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
    subject: { reference: `Patient/${patientId}` },
    date: '2025-09-23T15:00:00-04:00',
    author: [{ reference: `Practitioner/${practitionerId}` }],
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          data: Buffer.from(text, 'utf8').toString('base64'),
        },
      },
    ],
  });
  return doc.id!;
}

/** A message the client sent through the portal (no clinician acted). */
export async function createPortalMessage(
  fhir: FhirClient,
  patientId: string,
  practitionerId: string,
  text: string,
): Promise<string> {
  const message = await fhir.create<Communication>({
    resourceType: 'Communication',
    status: 'completed',
    subject: { reference: `Patient/${patientId}` },
    sender: { reference: `Patient/${patientId}` },
    recipient: [{ reference: `Practitioner/${practitionerId}` }],
    sent: new Date().toISOString(),
    payload: [{ contentString: text }],
  });
  return message.id!;
}
