import type { ModelProvenance, UseCase } from '@carerelay/events';
import { CATALOGUE, USE_CASES, type WritebackTarget } from '@carerelay/policy';
import { AI_DRAFT_LABEL, OFFLINE_DRAFT_LABEL } from './draft-text.js';
import {
  TASK_IDENTIFIER_SYSTEM,
  unresolvedExtensions,
  type CarePlan,
  type Communication,
  type DocumentReference,
} from './fhir-resources.js';
import { TREND_CHART_TITLE, type Attachment } from './measurement-care.js';
import { part2Security } from './part2.js';

/** The catalogue's write-back target of a drafted use case: a draft record, never a Claim. */
export type DraftTarget = WritebackTarget & {
  readonly resourceType: Exclude<WritebackTarget['resourceType'], 'Claim' | 'Flag'>;
};

const isDraftTarget = (target: WritebackTarget): target is DraftTarget =>
  target.resourceType !== 'Claim' && target.resourceType !== 'Flag';

/**
 * Where each ai.draft.v1 goes in the EHR, always as a draft: the catalogue's target of every
 * use case a model drafts. A rules use case has no draft: coding's Claim is written from
 * coding.suggestion.v1, outcome review's Flag from risk.alert.v1, each by its own handler.
 */
export const DRAFT_TARGETS: Partial<Record<UseCase, DraftTarget>> = Object.fromEntries(
  USE_CASES.flatMap((useCase) => {
    const { producer, writeback } = CATALOGUE[useCase];
    return producer.kind === 'model' && isDraftTarget(writeback) ? [[useCase, writeback]] : [];
  }),
);

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
  /** Derived from 42 CFR Part 2 data: the record keeps the label (meta.security). */
  readonly part2: boolean;
  readonly now: number;
  /** The PHQ-9/GAD-7 trend chart of a measurement-based draft (image/svg+xml). */
  readonly chart?: Attachment;
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

/** Local id of the chart a draft CarePlan contains. */
export const CHART_CONTAINED_ID = 'trend-chart';

/**
 * The chart of a draft CarePlan, as a DocumentReference contained in the plan and named in its
 * supportingInfo. Contained, not a record of its own: it is written in the plan's one conditional
 * create (one Provenance, no half-written pair), it falls under the plan's labels (a contained
 * resource carries none of its own, FHIR R4 dom-5) and it leaves with a discarded draft instead
 * of lingering as a separate preliminary document. A Binary would lose subject, type and title.
 */
function containedChart(chart: Attachment, clientId: string, label: string, at: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: CHART_CONTAINED_ID,
    status: 'current',
    docStatus: 'preliminary',
    type: { text: TREND_CHART_TITLE },
    subject: { reference: `Patient/${clientId}` },
    date: at,
    description: label,
    content: [{ attachment: chart }],
  };
}

const PRIORITY: Readonly<Record<string, 'stat' | 'urgent' | 'routine'>> = {
  emergency: 'stat',
  same_day: 'urgent',
  routine: 'routine',
};

/**
 * The draft as its EHR resource: a `preliminary` DocumentReference, a `draft` CarePlan, or a
 * Communication `in preparation` (a suggested reply nobody has sent). Each carries the task
 * identifier (conditional create) and the draft label, and a draft derived from Part 2 data
 * the 42CFRPart2 label; none is ever a signed record.
 */
export function draftResource(input: DraftInput): DraftResource {
  const label = labelOf(input.provenance);
  const meta = part2Security(input.part2);
  const common = {
    ...(meta ? { meta } : {}),
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
        ...(input.chart
          ? {
              contained: [containedChart(input.chart, input.clientId, label, at)],
              supportingInfo: [{ reference: `#${CHART_CONTAINED_ID}`, display: TREND_CHART_TITLE }],
            }
          : {}),
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
          ...(input.chart ? [{ attachment: input.chart }] : []),
        ],
      };
  }
}
