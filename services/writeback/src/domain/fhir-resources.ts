import {
  ALERT_IDENTIFIER_SYSTEM,
  PROMPT_TEMPLATE_SYSTEM,
  TASK_IDENTIFIER_SYSTEM,
  type FhirClient,
} from '@carerelay/ehr';
import type { AiDraft } from '@carerelay/events';

/** FHIR R4 types as @carerelay/ehr's client sees them (no direct dependency on the type package). */
type FhirResource = Parameters<FhirClient['create']>[0];
export type DocumentReference = Extract<FhirResource, { resourceType: 'DocumentReference' }>;
export type Provenance = Extract<FhirResource, { resourceType: 'Provenance' }>;
export type Flag = Extract<FhirResource, { resourceType: 'Flag' }>;
export type Task = Extract<FhirResource, { resourceType: 'Task' }>;
export type Claim = Extract<FhirResource, { resourceType: 'Claim' }>;
export type CarePlan = Extract<FhirResource, { resourceType: 'CarePlan' }>;
export type Communication = Extract<FhirResource, { resourceType: 'Communication' }>;
type Extension = NonNullable<DocumentReference['extension']>[number];

/**
 * Shared with the connector, which reads these back (review capture; alert acknowledgement,
 * whose Task carries ALERT_IDENTIFIER_SYSTEM = alertId): see @carerelay/ehr.
 */
export { ALERT_IDENTIFIER_SYSTEM, PROMPT_TEMPLATE_SYSTEM, TASK_IDENTIFIER_SYSTEM };
export const UNRESOLVED_TOKEN_EXTENSION = 'urn:carerelay:fhir:extension:unresolved-token';
export const RULE_SET_SYSTEM = 'urn:carerelay:rule-set';
/** Labels on non-draft records (alerts, suggestions): a meta tag for systems and an extension for people. */
export const AI_LABEL_SYSTEM = 'urn:carerelay:label';
export const AI_LABEL_EXTENSION = 'urn:carerelay:fhir:extension:ai-label';

/** The tokens re-identification could not resolve, listed on the record they stay visible in. */
export const unresolvedExtensions = (unresolved: readonly string[]): Extension[] =>
  unresolved.map((t) => ({ url: UNRESOLVED_TOKEN_EXTENSION, valueString: t }));

export const identifierQuery = (system: string, value: string): string => `identifier=${system}|${value}`;

/** `identifier=urn:carerelay:task|<taskId>`: the If-None-Exist query of the draft. */
export const draftQuery = (taskId: string): string => identifierQuery(TASK_IDENTIFIER_SYSTEM, taskId);
/**
 * Provenance has no identifier element in R4: it carries its target's business
 * identifier as a meta tag, and the query names the target too, so the Provenance
 * of one record (a draft) never satisfies the If-None-Exist of another (a claim or
 * an alert of the same task).
 */
export const provenanceQuery = (tag: { system: string; code: string }, targetRef: string): string =>
  `_tag=${tag.system}|${tag.code}&target=${targetRef}`;

/** `provider/deployment/modelVersion`, the model as the audit and the Provenance name it. */
export function modelDisplay(p: AiDraft['provenance']): string {
  return `${p.provider}/${p.deployment ?? '-'}/${p.modelVersion ?? '-'}`;
}

export const templateDisplay = (p: AiDraft['provenance']): string =>
  `${p.templateId}@${p.templateVersion}#${p.templateHash}`;

/** What a Provenance of a write-back names: the agent that produced the content and its source rules. */
export interface ProvenanceInput {
  /** The business identifier of the target as a meta tag (Provenance has no identifier in R4). */
  readonly tag: { readonly system: string; readonly code: string };
  readonly targets: readonly string[];
  /** The producing agent (model, or rule engine and version), recorded as a Device display. */
  readonly agent: string;
  /** What the content was derived from (prompt template, rule set). */
  readonly entity: { readonly system: string; readonly value: string; readonly display: string };
  readonly now: number;
}

/** The Provenance of every record writeback creates: one author agent, one derivation entity. */
export function writebackProvenance(input: ProvenanceInput): Provenance {
  return {
    resourceType: 'Provenance',
    meta: { tag: [{ system: input.tag.system, code: input.tag.code }] },
    target: input.targets.map((reference) => ({ reference })),
    recorded: new Date(input.now).toISOString(),
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
        who: { type: 'Device', display: input.agent },
      },
    ],
    entity: [
      {
        role: 'derivation',
        what: {
          identifier: { system: input.entity.system, value: input.entity.value },
          display: input.entity.display,
        },
      },
    ],
  };
}

export function draftProvenance(draft: AiDraft, documentRef: string, now: number): Provenance {
  return writebackProvenance({
    tag: { system: TASK_IDENTIFIER_SYSTEM, code: draft.taskId },
    targets: [documentRef],
    agent: modelDisplay(draft.provenance),
    entity: {
      system: PROMPT_TEMPLATE_SYSTEM,
      value: templateDisplay(draft.provenance),
      display: `prompt template ${templateDisplay(draft.provenance)}`,
    },
    now,
  });
}
