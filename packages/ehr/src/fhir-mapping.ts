import type {
  ContextAddress,
  ContextAssessment,
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
  Observation,
  Patient,
  QuestionnaireResponse,
  RelatedPerson,
  Resource,
} from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** Progress-note document types (DOMAIN.md FHIR mapping): mental health progress note, progress note. */
export const PROGRESS_NOTE_LOINC = ['34904-3', '11506-3'] as const;

/** Instruments with the LOINC codes of their panel and total score (DOMAIN.md, Instruments). */
export const INSTRUMENTS = [
  { instrument: 'PHQ-9', panel: '44249-1', total: '44261-6' },
  { instrument: 'GAD-7', panel: '69737-5', total: '70274-6' },
] as const;
export type InstrumentDef = (typeof INSTRUMENTS)[number];

/** LOINC answer codes of the PHQ/GAD frequency scale, scored 0–3. */
const ANSWER_SCORES: Readonly<Record<string, number>> = {
  'LA6568-5': 0,
  'LA6569-3': 1,
  'LA6570-1': 2,
  'LA6571-9': 3,
};

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

/** Signed progress notes, newest first, at most `limit` (minimum necessary: last 3). */
export function latestSignedNotes(
  docs: DocumentReference[],
  limit: number,
  before?: Encounter,
): DocumentReference[] {
  return docs
    .filter((d) => d.docStatus === 'final' || d.docStatus === 'amended')
    .filter((d) => codeIn(d.type, LOINC, PROGRESS_NOTE_LOINC))
    .filter(
      (d) => !before || !d.context?.encounter?.some((e) => e.reference === `Encounter/${before.id ?? ''}`),
    )
    .sort((a, b) => Date.parse(noteDate(b)) - Date.parse(noteDate(a)))
    .slice(0, limit);
}

function itemScore(item: NonNullable<QuestionnaireResponse['item']>[number]): number | undefined {
  const answer = item.answer?.[0];
  if (answer?.valueInteger !== undefined) return answer.valueInteger;
  const code = answer?.valueCoding?.code;
  return code === undefined ? undefined : ANSWER_SCORES[code];
}

/** One assessment from the latest total-score Observation and its QuestionnaireResponse. */
export function mapAssessment(
  def: InstrumentDef,
  observation: Observation | undefined,
  response: QuestionnaireResponse | undefined,
): ContextAssessment | undefined {
  if (!observation && !response) return undefined;
  const items: Record<string, number> = {};
  for (const item of response?.item ?? []) {
    if (item.linkId === def.total) continue;
    const score = itemScore(item);
    if (score !== undefined) items[item.linkId] = score;
  }
  // Item 9 may travel only on the Observation (PHQ-9 item 9 > 0 needs same-day follow-up).
  for (const component of observation?.component ?? []) {
    const code = component.code.coding?.find((c) => c.system === LOINC)?.code;
    if (code && component.valueInteger !== undefined) items[code] ??= component.valueInteger;
  }
  const totalItem = response?.item?.find((i) => i.linkId === def.total)?.answer?.[0]?.valueInteger;
  const date = observation?.effectiveDateTime ?? response?.authored ?? '';
  return {
    instrument: def.instrument,
    loinc: def.total,
    date: date.slice(0, 10),
    total: observation?.valueInteger ?? observation?.valueQuantity?.value ?? totalItem ?? null,
    items,
  };
}
