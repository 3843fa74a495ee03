import type { DocumentReference, Provenance } from '@medplum/fhirtypes';
import type { FhirClient } from './fhir-client.js';
import { referencedId } from './references.js';

/** The identifier system writeback gives every draft it creates (value = taskId). */
export const TASK_IDENTIFIER_SYSTEM = 'urn:carerelay:task';
/** Provenance entity identifier of the prompt template: `id@version#sha256`. */
export const PROMPT_TEMPLATE_SYSTEM = 'urn:carerelay:prompt-template';

/** A signed note that started as a CareRelay draft: both texts, for review metrics only. */
export interface SignedNote {
  /** `DocumentReference/<id>/_history/<vid>` of the signed version. */
  readonly documentRef: string;
  readonly clientId: string;
  readonly taskId: string;
  readonly draftText: string;
  readonly finalText: string;
  readonly draftCreatedAt: number;
  readonly signedAt: number;
  /** Practitioner id of the authenticator (else the author), when the EHR names one. */
  readonly signerId: string | null;
  readonly template: { readonly id: string; readonly version: string } | null;
}

type NoteReader = Pick<FhirClient, 'read' | 'search' | 'history'>;

const taskIdOf = (doc: DocumentReference): string | undefined =>
  doc.identifier?.find((i) => i.system === TASK_IDENTIFIER_SYSTEM)?.value;

function textOf(doc: DocumentReference): string | undefined {
  const data = doc.content?.find((c) => c.attachment?.data)?.attachment?.data;
  return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
}

const practitionerOf = (ref: string | undefined): string | null => referencedId(ref, 'Practitioner') ?? null;

const timeOf = (doc: DocumentReference): number =>
  Date.parse(doc.meta?.lastUpdated ?? doc.date ?? '') || Date.parse(doc.date ?? '') || 0;

/**
 * Reads a signed (`docStatus = final`) DocumentReference and, when it started as a
 * CareRelay draft, the draft it came from. Two signing styles are understood:
 * the EHR finalises the draft itself (same resource, a later version: the draft is its
 * oldest preliminary version), or it creates a new note that `relatesTo` the draft.
 * Anything else (not final, not from a draft, no text) is `undefined`.
 */
export async function readSignedNote(fhir: NoteReader, documentId: string): Promise<SignedNote | undefined> {
  const signed = await fhir.read<DocumentReference>('DocumentReference', documentId);
  if (signed.docStatus !== 'final') return undefined;
  const finalText = textOf(signed);
  const clientId = signed.subject?.reference?.replace(/^Patient\//, '');
  if (finalText === undefined || !clientId) return undefined;

  let draft: DocumentReference | undefined;
  let taskId = taskIdOf(signed);
  if (taskId) {
    const versions = await fhir.history<DocumentReference>('DocumentReference', documentId);
    draft = versions
      .filter((v) => v.docStatus === 'preliminary')
      // The oldest preliminary version (version ids are opaque: order by time).
      .sort((a, b) => timeOf(a) - timeOf(b))[0];
  } else {
    for (const related of signed.relatesTo ?? []) {
      const id = related.target?.reference?.match(/^DocumentReference\/([^/]+)/)?.[1];
      if (!id) continue;
      const candidate = await fhir.read<DocumentReference>('DocumentReference', id);
      taskId = taskIdOf(candidate);
      if (taskId) {
        draft = candidate;
        break;
      }
    }
  }
  const draftText = draft && textOf(draft);
  if (!taskId || !draft || draftText === undefined) return undefined;

  const [provenance] = await fhir.search<Provenance>('Provenance', {
    _tag: `${TASK_IDENTIFIER_SYSTEM}|${taskId}`,
  });
  const templateValue = provenance?.entity
    ?.map((e) => e.what?.identifier)
    .find((i) => i?.system === PROMPT_TEMPLATE_SYSTEM)?.value;
  const template = /^([^@]+)@([^#]+)/.exec(templateValue ?? '');

  return {
    documentRef: `DocumentReference/${signed.id}/_history/${signed.meta?.versionId ?? ''}`,
    clientId,
    taskId,
    draftText,
    finalText,
    draftCreatedAt: timeOf(draft),
    signedAt: timeOf(signed),
    signerId:
      practitionerOf(signed.authenticator?.reference) ??
      practitionerOf(signed.author?.find((a) => a.reference?.startsWith('Practitioner/'))?.reference),
    template: template ? { id: template[1]!, version: template[2]! } : null,
  };
}
