import type {
  ContextAddress,
  ContextClient,
  ContextEncounter,
  ContextNote,
  ContextRelatedPerson,
} from '@carerelay/events';
import type {
  CodeableConcept,
  ContactPoint,
  DocumentReference,
  Encounter,
  HumanName,
  Patient,
  RelatedPerson,
  Resource,
} from '@medplum/fhirtypes';
import type { SearchParams } from './fhir-client.js';

export const LOINC = 'http://loinc.org';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** Progress-note document types (DOMAIN.md FHIR mapping): mental health progress note, progress note. */
export const PROGRESS_NOTE_LOINC = ['34904-3', '11506-3'] as const;

/** Sensitivity labels the product acts on (42 CFR Part 2 and confidentiality codes). */
export const TRACKED_SECURITY_CODES = new Set(['42CFRPart2', 'ETH', 'PSY', 'R']);

export function versionedRef(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}/_history/${resource.meta?.versionId ?? ''}`;
}

export function securityCodes(resource: Resource): string[] {
  return (resource.meta?.security ?? [])
    .map((c) => c.code ?? '')
    .filter((code) => TRACKED_SECURITY_CODES.has(code));
}

export function codeIn(
  concept: CodeableConcept | undefined,
  system: string,
  codes: readonly string[],
): boolean {
  return (concept?.coding ?? []).some((c) => c.system === system && codes.includes(c.code ?? ''));
}

function pickName(names: HumanName[] | undefined): HumanName | undefined {
  return names?.find((n) => n.use === 'official') ?? names?.find((n) => n.use !== 'nickname') ?? names?.[0];
}

function telecomValues(telecom: ContactPoint[] | undefined, system: ContactPoint['system']): string[] {
  return (telecom ?? []).filter((t) => t.system === system && t.value).map((t) => t.value ?? '');
}

function mapAddress(patient: Patient): ContextAddress | null {
  const address = patient.address?.find((a) => a.use === 'home') ?? patient.address?.[0];
  if (!address) return null;
  return {
    lines: address.line ?? [],
    city: address.city ?? null,
    county: address.district ?? null,
    state: address.state ?? null,
    postalCode: address.postalCode ?? null,
  };
}

export function mapClient(patient: Patient): ContextClient {
  const name = pickName(patient.name);
  const preferred = patient.name?.find((n) => n.use === 'usual' || n.use === 'nickname');
  const mrn =
    patient.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value ??
    patient.identifier?.find((i) => i.use === 'usual' || i.use === 'official')?.value ??
    null;
  const pronouns = patient.extension
    ?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/individual-pronouns')
    ?.extension?.find((e) => e.url === 'value')?.valueCodeableConcept;
  return {
    id: patient.id ?? '',
    givenNames: name?.given ?? [],
    familyName: name?.family ?? '',
    preferredName: preferred?.given?.[0] ?? preferred?.text ?? null,
    birthDate: patient.birthDate ?? null,
    gender: patient.gender ?? null,
    pronouns: pronouns?.text ?? pronouns?.coding?.[0]?.display ?? null,
    mrn,
    phones: telecomValues(patient.telecom, 'phone'),
    emails: telecomValues(patient.telecom, 'email'),
    address: mapAddress(patient),
  };
}

export function mapRelatedPerson(person: RelatedPerson): ContextRelatedPerson {
  const name = pickName(person.name);
  const relationship = person.relationship
    ?.flatMap((r) => [r.text, ...(r.coding ?? []).map((c) => c.display)])
    .find((text) => text && text !== 'Emergency Contact');
  return {
    givenNames: name?.given ?? [],
    familyName: name?.family ?? null,
    relationship: relationship ?? 'contact',
    phones: telecomValues(person.telecom, 'phone'),
  };
}

const CPT_SERVICE_TYPES: Readonly<Record<string, string>> = {
  '90791': 'intake',
  '90792': 'intake',
  '90846': 'family',
  '90847': 'family',
  '90849': 'group',
  '90853': 'group',
  '90839': 'crisis',
};
const EM_ADD_ONS = new Set(['90833', '90836', '90838']);

export function mapEncounter(encounter: Encounter): ContextEncounter {
  const codes = [encounter.serviceType, ...(encounter.type ?? [])].flatMap((c) =>
    (c?.coding ?? []).map((coding) => coding.code ?? ''),
  );
  const cptType = codes.map((code) => CPT_SERVICE_TYPES[code]).find((t) => t !== undefined);
  const serviceText = encounter.serviceType?.text ?? encounter.serviceType?.coding?.[0]?.display;
  const classCode = encounter.class.code ?? '';
  // v3 ActCode VR = virtual; a class display naming video/phone also counts (CPT modifier 95 is not read yet).
  const telehealth =
    classCode === 'VR' || /virtual|telehealth|video|phone/i.test(encounter.class.display ?? '');
  return {
    id: encounter.id ?? '',
    start: encounter.period?.start ?? '',
    end: encounter.period?.end ?? null,
    serviceType: cptType ?? serviceText ?? 'individual',
    telehealth,
    // 90846 is family psychotherapy without the client present.
    clientPresent: !codes.includes('90846'),
    withMedicalEvaluation: codes.some((c) => EM_ADD_ONS.has(c) || /^992\d\d$/.test(c)),
  };
}

function noteDate(doc: DocumentReference): string {
  return doc.context?.period?.start ?? doc.date ?? '';
}

/** Decodes the first base64 text attachment; notes without inline text are skipped. */
export function mapNote(doc: DocumentReference): ContextNote | undefined {
  const attachment = doc.content.find(
    (c) => c.attachment.data && /^text\//.test(c.attachment.contentType ?? 'text/plain'),
  )?.attachment;
  if (!attachment?.data) return undefined;
  return {
    id: doc.id ?? '',
    date: noteDate(doc).slice(0, 10),
    text: Buffer.from(attachment.data, 'base64').toString('utf8'),
  };
}

/** Notes per page of a windowed prior-notes search; the client follows `next` through every page. */
export const NOTES_PAGE_SIZE = 50;

/**
 * The prior-notes search: the client's progress notes; with a window, only those dated from
 * `since` (`YYYY-MM-DD`), newest first, page by page.
 */
export function priorNotesSearch(patientId: string, since: string | undefined): SearchParams {
  return {
    patient: patientId,
    type: PROGRESS_NOTE_LOINC.map((code) => `${LOINC}|${code}`).join(','),
    ...(since ? { date: `ge${since}`, _sort: '-date', _count: String(NOTES_PAGE_SIZE) } : {}),
  };
}

/**
 * Signed progress notes, newest first, at most `limit`, and none before `since` when given
 * (the search already asked for the window; a Bundle or a server ignoring `date` may not).
 */
export function latestSignedNotes(
  docs: DocumentReference[],
  limit: number,
  before?: Encounter,
  since?: string,
): DocumentReference[] {
  return docs
    .filter((d) => d.docStatus === 'final' || d.docStatus === 'amended')
    .filter((d) => codeIn(d.type, LOINC, PROGRESS_NOTE_LOINC))
    .filter((d) => since === undefined || noteDate(d).slice(0, 10) >= since)
    .filter(
      (d) => !before || !d.context?.encounter?.some((e) => e.reference === `Encounter/${before.id ?? ''}`),
    )
    .sort((a, b) => Date.parse(noteDate(b)) - Date.parse(noteDate(a)))
    .slice(0, limit);
}
