import type { Resource } from '@medplum/fhirtypes';
import { CareRelayError } from '@carerelay/errors';

/** The element naming the patient a resource is about, for the types the adapter reads. */
const SUBJECT_FIELD: Partial<Record<Resource['resourceType'], string>> = {
  CarePlan: 'subject',
  CareTeam: 'subject',
  Communication: 'subject',
  Condition: 'subject',
  Consent: 'patient',
  DocumentReference: 'subject',
  Encounter: 'subject',
  Goal: 'subject',
  Observation: 'subject',
  QuestionnaireResponse: 'subject',
  RelatedPerson: 'patient',
};

// `Patient/1`, `https://ehr/fhir/Patient/1`, `Patient/1/_history/2`.
const PATIENT_REF = /(?:^|\/)Patient\/([^/]+)(?:\/_history\/[^/]+)?$/;

/** The patient id a reference points at, or undefined when it is not a Patient reference. */
export function referencedPatient(reference: string | undefined): string | undefined {
  return reference ? PATIENT_REF.exec(reference)?.[1] : undefined;
}

function subjectOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id;
  const field = SUBJECT_FIELD[resource.resourceType];
  if (!field) return undefined;
  const ref = (resource as unknown as Record<string, { reference?: string } | undefined>)[field];
  return referencedPatient(ref?.reference);
}

/**
 * Refuses a resource that is not about the task's client: an encounter id paired with another
 * client, or an EHR search that answers with someone else's notes, scores or goals. Checked on
 * everything read, before it is used; a resource without a subject is refused too (fail closed).
 * The message names the resource, never the person.
 */
export function assertAboutClient<T extends Resource>(resource: T, clientId: string): T {
  if (subjectOf(resource) === clientId) return resource;
  throw new CareRelayError(
    'EHR_SUBJECT_MISMATCH',
    `${resource.resourceType}/${resource.id ?? '?'} read for a task is not about the task's client`,
    { retryable: false },
  );
}

export function assertAllAboutClient<T extends Resource>(resources: T[], clientId: string): T[] {
  for (const resource of resources) assertAboutClient(resource, clientId);
  return resources;
}
