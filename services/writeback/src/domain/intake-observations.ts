import type { FhirClient } from '@carerelay/ehr';
import type { IntakeCoding, IntakeExtraction } from '@carerelay/events';
import type { VaultEntry } from '@carerelay/phi';
import { DISCLOSURE_NOTICE_EXTENSION } from './claim-resources.js';
import {
  AI_LABEL_EXTENSION,
  AI_LABEL_SYSTEM,
  RULE_SET_SYSTEM,
  TASK_IDENTIFIER_SYSTEM,
  unresolvedExtensions,
  writebackProvenance,
  type Provenance,
} from './fhir-resources.js';
import { TokenResolver } from './token-resolver.js';
import { PART2_NOTICE, part2Security } from './part2.js';

type FhirResource = Parameters<FhirClient['create']>[0];
export type Observation = Extract<FhirResource, { resourceType: 'Observation' }>;

/**
 * Each Observation's business identifier: `<taskId>:<key>` (one per fact, score, the
 * presenting problem and the risk flags), so a redelivered draft finds every one by a
 * conditional create and never makes a second. They also carry the task identifier, so all
 * Observations of a task are one search away.
 */
export const INTAKE_OBSERVATION_SYSTEM = 'urn:carerelay:intake-observation';
export const INTAKE_RISK_CODE = {
  system: 'urn:carerelay:observation',
  code: 'intake-risk-language',
  display: 'Risk language in intake answers',
} as const;
export const RISK_LEVEL_SYSTEM = 'urn:carerelay:risk-level';
/** Shown on every intake Observation: rules read the form; a clinician confirms. */
export const INTAKE_OBSERVATION_LABEL =
  'AI-Assisted Draft: extracted by CareRelay rules from the intake form; preliminary until a clinician confirms it.';

const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
const DATA_ABSENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
const LOINC = 'http://loinc.org';
const PHQ9_ITEM9 = '44260-8';
const CHIEF_COMPLAINT = { system: LOINC, code: '10154-3', display: 'Chief complaint Narrative - Reported' };

const category = (code: 'social-history' | 'survey', display: string) => [
  { coding: [{ system: CATEGORY_SYSTEM, code, display }] },
];
const SOCIAL_HISTORY = category('social-history', 'Social History');
const SURVEY = category('survey', 'Survey');

export interface ReidentifiedExtraction {
  readonly extraction: IntakeExtraction;
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/**
 * The extraction with the client's words re-identified (answers, evidence; questions are the
 * form's and carry no tokens, but are passed through the same way). Offsets keep pointing into
 * the de-identified text and are not written to the EHR.
 */
export function reidentifyExtraction(
  extraction: IntakeExtraction,
  entry: VaultEntry,
): ReidentifiedExtraction {
  const tokens = new TokenResolver(entry);
  const r = tokens.resolve;
  const result: IntakeExtraction = {
    ...extraction,
    socialFacts: extraction.socialFacts.map((f) => ({ ...f, question: r(f.question), answer: r(f.answer) })),
    presentingProblem: extraction.presentingProblem
      ? { question: r(extraction.presentingProblem.question), answer: r(extraction.presentingProblem.answer) }
      : null,
    risk: {
      ...extraction.risk,
      signals: extraction.risk.signals.map((s) => ({
        ...s,
        evidence: r(s.evidence),
        question: r(s.question),
        answer: r(s.answer),
      })),
    },
  };
  return { extraction: result, unresolved: tokens.unresolved, replaced: tokens.replaced };
}

export interface IntakeObservationsInput {
  readonly taskId: string;
  readonly clientId: string;
  /** Re-identified. */
  readonly extraction: IntakeExtraction;
  /** The intake QuestionnaireResponse(s) the answers were read from, when known. */
  readonly derivedFrom: readonly string[];
  readonly unresolved: readonly string[];
  /** Derived from 42 CFR Part 2 data: each Observation keeps the label and carries the notice. */
  readonly part2: boolean;
  readonly now: number;
}

/** One Observation to write and the key its identifier is made of. */
export interface IntakeObservation {
  readonly key: string;
  readonly resource: Observation;
}

export const intakeObservationQuery = (taskId: string, key: string): string =>
  `identifier=${INTAKE_OBSERVATION_SYSTEM}|${taskId}:${key}`;

const codeable = (c: IntakeCoding, text = c.display) => ({ coding: [{ ...c }], text });
const quoted = (question: string, answer: string): string => `"${question}" — "${answer}"`;

type Body = Omit<Observation, 'resourceType' | 'status' | 'subject' | 'identifier' | 'meta' | 'extension'>;

/**
 * The extraction as preliminary Observations (DOMAIN.md FHIR mapping: intake form →
 * QuestionnaireResponse; what is derived from it is an Observation, `derivedFrom` the form):
 * social facts under social-history, scores, the presenting problem and the risk flags under
 * survey. None is final: each carries the AI-Assisted tag and label, and a clinician confirms.
 */
export function intakeObservations(input: IntakeObservationsInput): IntakeObservation[] {
  const { extraction } = input;
  const bodies: { key: string; body: Body }[] = [];
  for (const fact of extraction.socialFacts) {
    bodies.push({
      key: `social-${fact.field}`,
      body: {
        category: SOCIAL_HISTORY,
        code: codeable(fact.code),
        // The category is the rules' reading; the text is what the client wrote.
        ...(fact.value
          ? { valueCodeableConcept: codeable(fact.value, fact.answer) }
          : { valueString: fact.answer }),
        note: [{ text: quoted(fact.question, fact.answer) }],
      },
    });
  }
  for (const score of extraction.scores) {
    bodies.push({
      key: `score-${score.instrument}`,
      body: {
        category: SURVEY,
        code: { coding: [{ system: LOINC, code: score.loinc }], text: `${score.instrument} total score` },
        ...(score.total !== null
          ? {
              valueQuantity: {
                value: score.total,
                unit: 'score',
                system: 'http://unitsofmeasure.org',
                code: '{score}',
              },
            }
          : {
              dataAbsentReason: {
                coding: [{ system: DATA_ABSENT_SYSTEM, code: 'unknown' }],
                text: score.reason ?? '',
              },
            }),
        ...(score.severity ? { interpretation: [{ text: score.severity }] } : {}),
        component: Object.entries(score.items).map(([code, value]) => ({
          code: { coding: [{ system: LOINC, code }] },
          valueInteger: value,
        })),
        note: [
          {
            text: `${score.totalSource === 'recorded' ? 'Total as recorded on the form' : 'Total computed from the item answers'}; ${Object.keys(score.items).length} of ${score.itemsExpected} items answered.`,
          },
          ...score.warnings.map((text) => ({ text })),
        ],
      },
    });
  }
  if (extraction.presentingProblem) {
    const { question, answer } = extraction.presentingProblem;
    bodies.push({
      key: 'presenting-problem',
      body: {
        category: SURVEY,
        code: codeable(CHIEF_COMPLAINT),
        valueString: answer,
        note: [{ text: quoted(question, answer) }],
      },
    });
  }
  const { risk } = extraction;
  const item9 = risk.phq9Item9;
  if (risk.level !== 'NONE' || (item9 !== null && item9 > 0)) {
    bodies.push({
      key: 'risk',
      body: {
        category: SURVEY,
        code: codeable(INTAKE_RISK_CODE),
        valueCodeableConcept: { coding: [{ system: RISK_LEVEL_SYSTEM, code: risk.level }], text: risk.level },
        component: [
          ...risk.signals.map((s) => ({
            code: { text: `Risk signal: ${s.kind.replace(/_/g, ' ')} (${s.level})` },
            valueString:
              s.source === 'answer'
                ? `"${s.evidence}" in the answer to "${s.question}"`
                : `"${s.answer}" to "${s.question}" (affirms "${s.evidence}")`,
          })),
          ...(item9 !== null
            ? [{ code: { coding: [{ system: LOINC, code: PHQ9_ITEM9 }] }, valueInteger: item9 }]
            : []),
        ],
        note: [
          {
            text: 'Screening signal from the intake answers, not a diagnosis; the answers are the evidence.',
          },
          ...(item9 !== null && item9 > 0
            ? [{ text: `PHQ-9 item 9 answered ${item9} (> 0): same-day follow-up, whatever the total.` }]
            : []),
        ],
      },
    });
  }
  const issued = new Date(input.now).toISOString();
  const meta = {
    tag: [{ system: AI_LABEL_SYSTEM, code: 'AI-ASSISTED', display: 'AI-Assisted' }],
    ...part2Security(input.part2),
  };
  return bodies.map(({ key, body }) => ({
    key,
    resource: {
      resourceType: 'Observation',
      meta,
      extension: [
        { url: AI_LABEL_EXTENSION, valueString: INTAKE_OBSERVATION_LABEL },
        ...(input.part2 ? [{ url: DISCLOSURE_NOTICE_EXTENSION, valueString: PART2_NOTICE }] : []),
        ...unresolvedExtensions(input.unresolved),
      ],
      identifier: [
        { system: TASK_IDENTIFIER_SYSTEM, value: input.taskId },
        { system: INTAKE_OBSERVATION_SYSTEM, value: `${input.taskId}:${key}` },
      ],
      status: 'preliminary',
      subject: { reference: `Patient/${input.clientId}` },
      issued,
      ...(input.derivedFrom.length > 0
        ? { derivedFrom: input.derivedFrom.map((reference) => ({ reference })) }
        : {}),
      ...body,
    },
  }));
}

/**
 * The intake form(s) among the sources the task's context was built from (the vault entry's
 * `sourceRefs`). intake_extraction reads no scored form, so its QuestionnaireResponses are the
 * intake form the answers came from.
 */
export const intakeSources = (sourceRefs: readonly string[] | undefined): string[] =>
  (sourceRefs ?? []).filter((ref) => ref.startsWith('QuestionnaireResponse/'));

/** The rule set as audits and Provenance name it (not the prompt template `intake_extraction@…`). */
export const intakeRulesVersion = (version: string): string => `intake-rules@${version}`;

/** Agent = the intake rules at their version; one Provenance for all Observations of the task. */
export function intakeProvenance(
  taskId: string,
  version: string,
  refs: readonly string[],
  now: number,
): Provenance {
  return writebackProvenance({
    tag: { system: TASK_IDENTIFIER_SYSTEM, code: taskId },
    targets: refs,
    agent: `CareRelay intake extraction rules ${version}`,
    entity: {
      system: RULE_SET_SYSTEM,
      value: intakeRulesVersion(version),
      display: `intake extraction rule set ${version}`,
    },
    now,
  });
}
