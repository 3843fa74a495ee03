import { PART2_LABEL } from './notice.js';
import type {
  CodeableConcept,
  Coding,
  Composition,
  Condition,
  DocumentReference,
  Encounter,
  Observation,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { isSudSnomedConcept } from './sud-value-set.js';

/**
 * 42 CFR Part 2 recognition (2024 final rule; DOMAIN.md "42 CFR Part 2"). Pure: it looks only at
 * the resources it is given, so the caller decides what was read for a task. A record is Part 2
 * data when it is labeled so, when it codes a substance use disorder (SUD), or when it comes from
 * an organization the tenant configured as a Part 2 program. Being conservative is the point:
 * labeling every F10–F16, F18–F19 diagnosis is the DOMAIN.md default, but tobacco (F17) and
 * caffeine are not SUDs under §2.11, so a smoker is never refused for being a smoker.
 */

export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const ICD10CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';

/**
 * ICD-10 systems whose F10–F19 block means the same thing: ICD-10-CM by URL and by OID, and WHO
 * ICD-10 (F17 is tobacco there too). A coding without a system is not read as ICD-10.
 */
const ICD10_SYSTEMS: ReadonlySet<string> = new Set([
  ICD10CM_SYSTEM,
  'urn:oid:2.16.840.1.113883.6.90',
  'http://hl7.org/fhir/sid/icd-10',
]);

/**
 * Local document types for notes the EHR keeps apart from the record. We found no LOINC code that
 * means "psychotherapy notes" in the HIPAA §164.501 sense, so the adapter maps the EHR's own note
 * type onto these codes.
 */
export const CARERELAY_DOCUMENT_TYPE_SYSTEM = 'https://carerelay.dev/fhir/CodeSystem/document-type';
export const PSYCHOTHERAPY_NOTE_TYPE = 'psychotherapy-note';
export const COUNSELING_NOTE_TYPE = 'counseling-note';
export const SUD_COUNSELING_NOTE_TYPE = 'sud-counseling-note';

/** §2.32 notice, 2024 rule short form: carried by every output derived from Part 2 data. */
export { PART2_NOTICE } from './notice.js';

export type Part2Rule = 'SECURITY_LABEL' | 'ICD10_SUD' | 'SNOMED_SUD' | 'PART2_PROGRAM_SOURCE';

export interface Part2Reason {
  /** `Type/id` of the resource. */
  readonly ref: string;
  readonly rule: Part2Rule;
  /** The label, the code, or the program's Organization reference: never free text (no PHI). */
  readonly detail: string;
  /** Where it was found, e.g. `meta.security`, `Condition.code`, `Condition.asserter`. */
  readonly element?: string;
}

export interface Part2Options {
  /** Organization references (e.g. 'Organization/abc') configured as Part 2 programs for this tenant. */
  readonly part2Programs?: readonly string[];
}

export interface Part2Finding {
  readonly part2: boolean;
  readonly reasons: readonly Part2Reason[];
}

/** F10–F16, F18, F19 with any subcode; F17 (nicotine) is not a Part 2 SUD (§2.11). */
const SUD_ICD10 = /^F1[0-689](?:\.?[0-9A-Z]{0,4})?$/;

/** ICD-10-CM SUD: F10–F16, F18, F19 (remission codes included), not F17. Dot optional, case and whitespace ignored. */
export function isSudIcd10(code: string): boolean {
  return SUD_ICD10.test(code.trim().toUpperCase());
}

/** SNOMED CT SUD concept (see sud-value-set.ts for the list, its source and its limits). */
export function isSudSnomed(code: string): boolean {
  return isSudSnomedConcept(code);
}

/**
 * `Type/id` of a reference or source URI, so 'Organization/abc', 'https://ehr.example/fhir/Organization/abc',
 * 'Organization/abc/_history/3' and 'Organization/abc#req-1' all compare equal. Null when it names no resource.
 */
export function referenceKey(reference: string | undefined): string | null {
  if (!reference) return null;
  const path = reference.split('#')[0]!.replace(/\/_history\/[^/]*$/, '');
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length < 2) return null;
  return `${segments[segments.length - 2]}/${segments[segments.length - 1]}`;
}

/** Whether meta.security carries `code` from v3-ActCode; a coding without a system is accepted too. */
export function hasActCodeLabel(resource: Resource, code: string): boolean {
  return (resource.meta?.security ?? []).some(
    (c) => c.code === code && (c.system === undefined || c.system === ACT_CODE_SYSTEM),
  );
}

const PART2_LABELS = [PART2_LABEL, 'ETH'] as const;

/** Whether any of the resources (as read for a task) is Part 2 data. */
export function classifyPart2(resources: readonly Resource[], options: Part2Options = {}): Part2Finding {
  const programs = new Set((options.part2Programs ?? []).map(referenceKey).filter((k) => k !== null));
  const reasons = new Map<string, Part2Reason>();
  const add = (reason: Part2Reason): void => {
    reasons.set(`${reason.ref}|${reason.rule}|${reason.detail}`, reason);
  };
  for (const resource of resources) {
    const ref = `${resource.resourceType}/${resource.id ?? ''}`;
    // A label describes where the record came from, so it counts even on a voided record.
    for (const label of PART2_LABELS) {
      if (hasActCodeLabel(resource, label)) {
        add({ ref, rule: 'SECURITY_LABEL', detail: label, element: 'meta.security' });
      }
    }
    for (const { element, concept } of clinicalCodes(resource)) {
      for (const coding of concept.coding ?? []) {
        const rule = sudRule(coding);
        if (rule) add({ ref, rule, detail: coding.code ?? '', element });
      }
    }
    for (const { element, key } of sources(resource)) {
      if (programs.has(key)) add({ ref, rule: 'PART2_PROGRAM_SOURCE', detail: key, element });
    }
  }
  const all = [...reasons.values()];
  return { part2: all.length > 0, reasons: all };
}

function sudRule(coding: Coding): 'ICD10_SUD' | 'SNOMED_SUD' | null {
  if (!coding.code || !coding.system) return null;
  if (ICD10_SYSTEMS.has(coding.system) && isSudIcd10(coding.code)) return 'ICD10_SUD';
  if (coding.system === SNOMED_SYSTEM && isSudSnomed(coding.code)) return 'SNOMED_SUD';
  return null;
}

interface FoundConcept {
  readonly element: string;
  readonly concept: CodeableConcept;
}

const VOID_VERIFICATION = new Set(['entered-in-error', 'refuted']);

/** Coded clinical facts that can name an SUD; a voided or refuted record names nothing. */
function clinicalCodes(resource: Resource): FoundConcept[] {
  switch (resource.resourceType) {
    case 'Condition': {
      const c: Condition = resource;
      const verification = c.verificationStatus?.coding?.map((v) => v.code) ?? [];
      if (verification.some((v) => v !== undefined && VOID_VERIFICATION.has(v))) return [];
      return c.code ? [{ element: 'Condition.code', concept: c.code }] : [];
    }
    case 'Observation': {
      const o: Observation = resource;
      if (o.status === 'entered-in-error') return [];
      return o.valueCodeableConcept
        ? [{ element: 'Observation.valueCodeableConcept', concept: o.valueCodeableConcept }]
        : [];
    }
    case 'Encounter': {
      const e: Encounter = resource;
      if (e.status === 'entered-in-error') return [];
      return (e.reasonCode ?? []).map((concept) => ({ element: 'Encounter.reasonCode', concept }));
    }
    default:
      return [];
  }
}

interface FoundSource {
  readonly element: string;
  readonly key: string;
}

/** Who a record says it came from: meta.source plus each type's custodian/author-like references. */
function sources(resource: Resource): FoundSource[] {
  const found: { element: string; reference: string | undefined }[] = [
    { element: 'meta.source', reference: resource.meta?.source },
  ];
  const refs = (element: string, list: readonly (Reference | undefined)[]): void => {
    for (const r of list) found.push({ element, reference: r?.reference });
  };
  switch (resource.resourceType) {
    case 'DocumentReference': {
      const d: DocumentReference = resource;
      refs('DocumentReference.custodian', [d.custodian]);
      break;
    }
    case 'Condition': {
      const c: Condition = resource;
      refs('Condition.asserter', [c.asserter]);
      refs('Condition.recorder', [c.recorder]);
      break;
    }
    case 'Encounter': {
      const e: Encounter = resource;
      refs('Encounter.serviceProvider', [e.serviceProvider]);
      break;
    }
    case 'Observation': {
      const o: Observation = resource;
      refs('Observation.performer', o.performer ?? []);
      break;
    }
    case 'Composition': {
      const c: Composition = resource;
      refs('Composition.custodian', [c.custodian]);
      break;
    }
    default:
      break;
  }
  return found.flatMap(({ element, reference }) => {
    const key = referenceKey(reference);
    return key ? [{ element, key }] : [];
  });
}

type NoteType = 'psychotherapy' | 'counseling' | 'sud-counseling' | null;

function noteType(doc: DocumentReference): NoteType {
  const codes = (doc.type?.coding ?? [])
    .filter((c) => c.system === CARERELAY_DOCUMENT_TYPE_SYSTEM)
    .map((c) => c.code);
  if (codes.includes(SUD_COUNSELING_NOTE_TYPE)) return 'sud-counseling';
  if (codes.includes(PSYCHOTHERAPY_NOTE_TYPE)) return 'psychotherapy';
  if (codes.includes(COUNSELING_NOTE_TYPE)) return 'counseling';
  return null;
}

/**
 * Why a document must never go to a model, consent or not: psychotherapy notes (PSY label or a
 * psychotherapy-note type) and SUD counseling notes, which Part 2 protects like psychotherapy
 * notes (PSY together with ETH/42CFRPart2, or ETH/42CFRPart2 on a counseling or psychotherapy
 * note type). An ordinary progress note from a Part 2 program (42CFRPart2/ETH without PSY) is
 * null: it may be used with a Part 2 consent.
 */
export function excludedFromModel(
  doc: DocumentReference,
): 'PSYCHOTHERAPY_NOTE' | 'SUD_COUNSELING_NOTE' | null {
  const psy = hasActCodeLabel(doc, 'PSY');
  const sud = hasActCodeLabel(doc, 'ETH') || hasActCodeLabel(doc, PART2_LABEL);
  const type = noteType(doc);
  if (type === 'sud-counseling') return 'SUD_COUNSELING_NOTE';
  if (sud && (psy || type === 'psychotherapy' || type === 'counseling')) return 'SUD_COUNSELING_NOTE';
  if (psy || type === 'psychotherapy') return 'PSYCHOTHERAPY_NOTE';
  return null;
}
