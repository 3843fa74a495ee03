import type { ModelProvenance, UseCase, WritebackKind } from '@carerelay/events';
import { AI_DRAFT_LABEL, OFFLINE_DRAFT_LABEL } from './draft-text.js';
import {
  TASK_IDENTIFIER_SYSTEM,
  unresolvedExtensions,
  type CarePlan,
  type Communication,
  type DocumentReference,
} from './fhir-resources.js';

/** Where a use case's draft goes in the EHR (DOMAIN.md FHIR mapping), always as a draft. */
export interface DraftTarget {
  readonly kind: WritebackKind;
  readonly resourceType: 'DocumentReference' | 'CarePlan' | 'Communication';
  readonly title: string;
  /** LOINC document type (DocumentReference targets). */
  readonly loinc?: { readonly code: string; readonly display: string };
}

const MH_PROGRESS_NOTE = { code: '34904-3', display: 'Mental health Progress note' } as const;
const PROGRESS_NOTE = { code: '11506-3', display: 'Progress note' } as const;
const note = (kind: WritebackKind, title: string, loinc: DraftTarget['loinc']): DraftTarget => ({
  kind,
  resourceType: 'DocumentReference',
  title,
  loinc,
});

/** Every drafting use case has a target; `coding` is written as a Claim by its own handler. */
export const DRAFT_TARGETS: Partial<Record<UseCase, DraftTarget>> = {
  soap_note: note('NOTE_DRAFT', 'SOAP progress note', MH_PROGRESS_NOTE),
  dap_note: note('NOTE_DRAFT', 'DAP progress note', MH_PROGRESS_NOTE),
  birp_note: note('NOTE_DRAFT', 'BIRP progress note', MH_PROGRESS_NOTE),
  chart_summary: note('SUMMARY', 'Chart summary', PROGRESS_NOTE),
  intake_extraction: note('NOTE_DRAFT', 'Intake extraction', {
    code: '34794-8',
    display: 'Interdisciplinary Initial evaluation note',
  }),
  goal_progress: note('NOTE_DRAFT', 'Goal progress', PROGRESS_NOTE),
  treatment_plan: { kind: 'CARE_PLAN_DRAFT', resourceType: 'CarePlan', title: 'Treatment plan' },
  message_triage: { kind: 'COMMUNICATION_DRAFT', resourceType: 'Communication', title: 'Message triage' },
};

export interface DraftInput {
  readonly taskId: string;
  readonly clientId: string;
  readonly target: DraftTarget;
  /** The re-identified draft (the template's output JSON). */
  readonly content: unknown;
  /** The rendered text (label, sections, placeholders, unresolved tokens). */
  readonly text: string;
  readonly provenance: ModelProvenance;
  readonly unresolved: readonly string[];
  readonly now: number;
}

export type DraftResource = DocumentReference | CarePlan | Communication;

const labelOf = (p: ModelProvenance): string =>
  p.provider === 'OFFLINE_TEMPLATE' ? OFFLINE_DRAFT_LABEL : AI_DRAFT_LABEL;

const field = (content: unknown, key: string): unknown =>
  content !== null && typeof content === 'object' ? (content as Record<string, unknown>)[key] : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The interventions of a treatment-plan draft, as not-started CarePlan activities. */
function interventions(content: unknown): NonNullable<CarePlan['activity']> {
  const goals = field(content, 'goals');
  return (Array.isArray(goals) ? goals : []).flatMap((goal) => {
    const items = field(goal, 'interventions');
    return (Array.isArray(items) ? items : []).flatMap((item) => {
      const description = text(field(item, 'description'));
      if (!description) return [];
      const frequency = text(field(item, 'frequency'));
      return [
        {
          detail: {
            status: 'not-started' as const,
            description: frequency ? `${description} (${frequency})` : description,
          },
        },
      ];
    });
  });
}

const PRIORITY: Readonly<Record<string, 'stat' | 'urgent' | 'routine'>> = {
  emergency: 'stat',
  same_day: 'urgent',
  routine: 'routine',
};

/**
 * The draft as its EHR resource: a `preliminary` DocumentReference, a `draft` CarePlan, or a
 * Communication `in preparation` (a suggested reply nobody has sent). Each carries the task
 * identifier (conditional create) and the draft label; none is ever a signed record.
 */
export function draftResource(input: DraftInput): DraftResource {
  const label = labelOf(input.provenance);
  const common = {
    ...(input.unresolved.length > 0 ? { extension: unresolvedExtensions(input.unresolved) } : {}),
    identifier: [{ system: TASK_IDENTIFIER_SYSTEM, value: input.taskId }],
    subject: { reference: `Patient/${input.clientId}` },
  };
  const at = new Date(input.now).toISOString();
  switch (input.target.resourceType) {
    case 'CarePlan':
      return {
        resourceType: 'CarePlan',
        ...common,
        status: 'draft',
        intent: 'proposal',
        title: `${input.target.title} (${label})`,
        description: `${label}: review, edit and activate`,
        created: at,
        activity: interventions(input.content),
        note: [{ text: input.text, time: at }],
      };
    case 'Communication': {
      const urgency = text(field(input.content, 'urgency')) ?? 'routine';
      return {
        resourceType: 'Communication',
        ...common,
        status: 'preparation',
        category: [{ text: `message triage: ${text(field(input.content, 'category')) ?? 'other'}` }],
        priority: PRIORITY[urgency] ?? 'routine',
        recipient: [{ reference: `Patient/${input.clientId}` }],
        payload: [{ contentString: text(field(input.content, 'suggestedReply')) ?? '' }],
        note: [{ text: input.text, time: at }],
      };
    }
    case 'DocumentReference':
      return {
        resourceType: 'DocumentReference',
        ...common,
        status: 'current',
        docStatus: 'preliminary',
        type: {
          coding: input.target.loinc ? [{ system: 'http://loinc.org', ...input.target.loinc }] : [],
          text: input.target.title,
        },
        date: at,
        description: label,
        content: [
          {
            attachment: {
              contentType: 'text/plain',
              data: Buffer.from(input.text, 'utf8').toString('base64'),
              title: label,
            },
          },
        ],
      };
  }
}
