import type { FhirClient } from '@carerelay/ehr';
import type { AiDraft, UseCase, WritebackKind } from '@carerelay/events';
import { AI_DRAFT_LABEL } from './draft-text.js';

/** FHIR R4 types as @carerelay/ehr's client sees them (no direct dependency on the type package). */
type FhirResource = Parameters<FhirClient['create']>[0];
export type DocumentReference = Extract<FhirResource, { resourceType: 'DocumentReference' }>;
export type Provenance = Extract<FhirResource, { resourceType: 'Provenance' }>;

/** The business identifier system of everything writeback creates: value = taskId. */
export const TASK_IDENTIFIER_SYSTEM = 'urn:carerelay:task';
export const UNRESOLVED_TOKEN_EXTENSION = 'urn:carerelay:fhir:extension:unresolved-token';
export const PROMPT_TEMPLATE_SYSTEM = 'urn:carerelay:prompt-template';

interface NoteTarget {
  readonly kind: WritebackKind;
  readonly title: string;
  readonly loinc: { readonly code: string; readonly display: string };
}

const MH_PROGRESS_NOTE = { code: '34904-3', display: 'Mental health Progress note' } as const;

/** The use cases written as a DocumentReference; the others are not written by this handler. */
export const NOTE_TARGETS: Partial<Record<UseCase, NoteTarget>> = {
  soap_note: { kind: 'NOTE_DRAFT', title: 'SOAP progress note', loinc: MH_PROGRESS_NOTE },
  dap_note: { kind: 'NOTE_DRAFT', title: 'DAP progress note', loinc: MH_PROGRESS_NOTE },
  birp_note: { kind: 'NOTE_DRAFT', title: 'BIRP progress note', loinc: MH_PROGRESS_NOTE },
  chart_summary: {
    kind: 'SUMMARY',
    title: 'Chart summary',
    loinc: { code: '11506-3', display: 'Progress note' },
  },
};

/** `identifier=urn:carerelay:task|<taskId>`: the If-None-Exist query of the draft. */
export const draftQuery = (taskId: string): string => `identifier=${TASK_IDENTIFIER_SYSTEM}|${taskId}`;
/** Provenance has no identifier element in R4: it carries the task as a meta tag instead. */
export const provenanceQuery = (taskId: string): string => `_tag=${TASK_IDENTIFIER_SYSTEM}|${taskId}`;

export interface DocumentInput {
  readonly taskId: string;
  readonly clientId: string;
  readonly target: NoteTarget;
  readonly text: string;
  readonly unresolved: readonly string[];
  readonly now: number;
}

export function draftDocument(input: DocumentInput): DocumentReference {
  const { loinc } = input.target;
  return {
    resourceType: 'DocumentReference',
    ...(input.unresolved.length > 0
      ? { extension: input.unresolved.map((t) => ({ url: UNRESOLVED_TOKEN_EXTENSION, valueString: t })) }
      : {}),
    identifier: [{ system: TASK_IDENTIFIER_SYSTEM, value: input.taskId }],
    status: 'current',
    docStatus: 'preliminary',
    type: { coding: [{ system: 'http://loinc.org', ...loinc }], text: input.target.title },
    subject: { reference: `Patient/${input.clientId}` },
    date: new Date(input.now).toISOString(),
    description: AI_DRAFT_LABEL,
    content: [
      {
        attachment: {
          contentType: 'text/plain',
          data: Buffer.from(input.text, 'utf8').toString('base64'),
          title: AI_DRAFT_LABEL,
        },
      },
    ],
  };
}

/** `provider/deployment/modelVersion`, the model as the audit and the Provenance name it. */
export function modelDisplay(p: AiDraft['provenance']): string {
  return `${p.provider}/${p.deployment ?? '-'}/${p.modelVersion ?? '-'}`;
}

export const templateDisplay = (p: AiDraft['provenance']): string =>
  `${p.templateId}@${p.templateVersion}#${p.templateHash}`;

export function draftProvenance(draft: AiDraft, documentRef: string, now: number): Provenance {
  return {
    resourceType: 'Provenance',
    meta: { tag: [{ system: TASK_IDENTIFIER_SYSTEM, code: draft.taskId }] },
    target: [{ reference: documentRef }],
    recorded: new Date(now).toISOString(),
    activity: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }],
    },
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'author',
              display: 'Author',
            },
          ],
        },
        who: { type: 'Device', display: modelDisplay(draft.provenance) },
      },
    ],
    entity: [
      {
        role: 'derivation',
        what: {
          identifier: { system: PROMPT_TEMPLATE_SYSTEM, value: templateDisplay(draft.provenance) },
          display: `prompt template ${templateDisplay(draft.provenance)}`,
        },
      },
    ],
  };
}
