import type { DeidentifiedContext, DeidentifiedIntakeAnswer } from '@carerelay/events';
import { DRAFT_LABEL, type DraftUseCase } from '../templates/types.js';
import { applyTriageFloor, floorRationale } from '../triage-floor.js';
import { diagnosisLines, encounterLine, goalLines, linesOr, riskFromScores, scoreLines } from './facts.js';

/**
 * Format-correct drafts built from the structured inputs alone, one per use case,
 * shaped exactly like templates/<id>/1.0.0/schema.json. Free text (session notes,
 * prior notes, messages) is never sorted into sections: a template cannot tell
 * what a sentence means, so those sections stay placeholders for the clinician.
 */
export type OfflineDraft = Record<string, unknown>;

const label = DRAFT_LABEL.offlineTemplate;

function objectiveFacts(context: DeidentifiedContext): string[] {
  const facts = [encounterLine(context), ...scoreLines(context)].filter((l): l is string => l !== null);
  return facts.length > 0 ? facts : ['[OBJECTIVE_DETAIL]'];
}

function noteCommon(context: DeidentifiedContext): OfflineDraft {
  return { riskStatement: riskFromScores(context), goalsAddressed: context.goals.map((g) => g.ref) };
}

function assessmentText(context: DeidentifiedContext): string {
  return linesOr([...diagnosisLines(context), '[CLINICAL_ASSESSMENT]'], '[CLINICAL_ASSESSMENT]');
}

function soapNote(context: DeidentifiedContext): OfflineDraft {
  return {
    draftLabel: label,
    subjective: '[SUBJECTIVE_DETAIL]',
    objective: [...objectiveFacts(context), '[MENTAL_STATUS_DETAIL]'].join('\n'),
    assessment: assessmentText(context),
    plan: '[PLAN_DETAIL]',
    ...noteCommon(context),
  };
}

function dapNote(context: DeidentifiedContext): OfflineDraft {
  return {
    draftLabel: label,
    data: ['[SESSION_CONTENT_DETAIL]', ...objectiveFacts(context), '[MENTAL_STATUS_DETAIL]'].join('\n'),
    assessment: assessmentText(context),
    plan: '[PLAN_DETAIL]',
    ...noteCommon(context),
  };
}

function birpNote(context: DeidentifiedContext): OfflineDraft {
  return {
    draftLabel: label,
    behavior: [...objectiveFacts(context), '[BEHAVIOR_DETAIL]'].join('\n'),
    intervention: '[INTERVENTION_DETAIL]',
    response: '[CLIENT_RESPONSE_DETAIL]',
    plan: '[PLAN_DETAIL]',
    ...noteCommon(context),
  };
}

function treatmentPlan(context: DeidentifiedContext): OfflineDraft {
  const problems =
    context.diagnoses.length > 0
      ? context.diagnoses.map((d, i) => ({
          id: `P${i + 1}`,
          statement: `${d.code} ${d.display}`,
          diagnosisCodes: [d.code],
        }))
      : [{ id: 'P1', statement: '[PROBLEM_STATEMENT]', diagnosisCodes: [] }];
  const objective = (targetDate: string | null) => ({
    description: '[MEASURABLE_OBJECTIVE]',
    measure: '[OBJECTIVE_MEASURE]',
    targetDate,
  });
  const intervention = { description: '[INTERVENTION_DETAIL]', frequency: null };
  // Which problem a goal serves is a clinical judgment: left empty for the clinician to link.
  const goals =
    context.goals.length > 0
      ? context.goals.map((g) => ({
          goalRef: g.ref,
          problemIds: [],
          statement: g.description,
          objectives: [objective(g.targetDate)],
          interventions: [intervention],
        }))
      : [
          {
            goalRef: null,
            problemIds: [],
            statement: '[GOAL_STATEMENT]',
            objectives: [objective(null)],
            interventions: [intervention],
          },
        ];
  return { draftLabel: label, problems, goals };
}

function chartSummary(context: DeidentifiedContext): OfflineDraft {
  const notes = context.priorNotes;
  const course = notes.length > 0 ? `Prior notes on file: ${notes.map((n) => n.date).join(', ')}.` : null;
  return {
    draftLabel: label,
    sections: {
      presentingConcerns: '[PRESENTING_CONCERNS]',
      diagnoses: linesOr(diagnosisLines(context), '[DIAGNOSES_DETAIL]'),
      treatmentCourse: linesOr([course, '[TREATMENT_COURSE]'], '[TREATMENT_COURSE]'),
      measures: linesOr(scoreLines(context), '[MEASURES_DETAIL]'),
      goals: linesOr(goalLines(context), '[GOALS_DETAIL]'),
      risk: riskFromScores(context),
      currentStatus: linesOr([encounterLine(context), '[CURRENT_STATUS]'], '[CURRENT_STATUS]'),
    },
  };
}

type IntakeField =
  'presentingProblem' | 'history' | 'substanceUse' | 'riskFactorsMentioned' | 'supports' | 'clientGoals';

// First match wins, most safety-relevant first: "history of suicide attempts?" is a risk answer.
const INTAKE_QUESTIONS: readonly (readonly [IntakeField, RegExp])[] = [
  [
    'riskFactorsMentioned',
    /suicid|self[- ]?harm|hurt(ing)? yourself|harm(ing)? (yourself|others|someone)|kill|safe|violen|weapon|attempt/i,
  ],
  ['substanceUse', /alcohol|drug|substance|drink|smok|cannabis|marijuana|tobacco|vap(e|ing)|opioid/i],
  ['clientGoals', /goal|hope to|like to (get|achieve|change)|want to (get|achieve|change)|different/i],
  ['supports', /support|friends|who can you|rely on|community/i],
  ['history', /history|previous|past|before|hospitali[sz]|medication|diagnos|family/i],
  ['presentingProblem', /brings you|presenting|reason|concern|problem|help with|struggl/i],
];
const INTAKE_PLACEHOLDER: Readonly<Record<IntakeField, string>> = {
  presentingProblem: '[PRESENTING_PROBLEM_DETAIL]',
  history: '[HISTORY_DETAIL]',
  substanceUse: '[SUBSTANCE_USE_DETAIL]',
  riskFactorsMentioned: '[RISK_FACTORS_DETAIL]',
  supports: '[SUPPORTS_DETAIL]',
  clientGoals: '[CLIENT_GOALS_DETAIL]',
};

/**
 * Each answer goes, verbatim, to the field its question asks about. With no answers
 * every field is null (nothing was said); with answers, a field no question maps to
 * is a placeholder, because the template cannot tell whether another answer covers it.
 */
function intakeExtraction(context: DeidentifiedContext): OfflineDraft {
  const fields = Object.keys(INTAKE_PLACEHOLDER) as IntakeField[];
  const byField = new Map<IntakeField, DeidentifiedIntakeAnswer[]>();
  for (const answer of context.intakeAnswers) {
    const field = INTAKE_QUESTIONS.find(([, pattern]) => pattern.test(answer.question))?.[0];
    if (field) byField.set(field, [...(byField.get(field) ?? []), answer]);
  }
  const draft: OfflineDraft = { draftLabel: label };
  for (const field of fields) {
    const answers = byField.get(field);
    if (answers) draft[field] = answers.map((a) => `${a.question} — ${a.answer}`).join('\n');
    else draft[field] = context.intakeAnswers.length === 0 ? null : INTAKE_PLACEHOLDER[field];
  }
  return draft;
}

/**
 * The template cannot read a message, so it never calls one routine: any message gets
 * same-day human triage, and a positive PHQ-9 item 9 makes it clinical_urgent. Then the
 * rules floor, the same as under a model's triage, raises it on the risk language the
 * deterministic scanner finds, and the rationale names that evidence.
 */
function messageTriage(context: DeidentifiedContext): OfflineDraft {
  const risk = riskFromScores(context);
  const template: OfflineDraft = risk
    ? {
        draftLabel: label,
        category: 'clinical_urgent',
        urgency: 'same_day',
        rationale: `${risk}\n[TRIAGE_RATIONALE]`,
        suggestedReply: '[SUGGESTED_REPLY]\n[CRISIS_RESOURCES]',
      }
    : {
        draftLabel: label,
        category: 'other',
        urgency: context.messages.length > 0 ? 'same_day' : 'routine',
        rationale: '[TRIAGE_RATIONALE]',
        suggestedReply: '[SUGGESTED_REPLY]',
      };
  const { draft, decision } = applyTriageFloor(template, context);
  // Raised, the floor wrote its line; not raised, the template still says what the rules found.
  if (!decision.raised && decision.floor.evidence.length > 0) {
    draft.rationale = `${floorRationale(decision, context)}\n${String(draft.rationale)}`;
  }
  return draft;
}

function goalProgress(context: DeidentifiedContext): OfflineDraft {
  return {
    draftLabel: label,
    goals: context.goals.map((g) => ({
      ref: g.ref,
      status: 'insufficient_data',
      evidence: '[GOAL_EVIDENCE]',
    })),
    summary: linesOr([...scoreLines(context), '[PROGRESS_SUMMARY]'], '[PROGRESS_SUMMARY]'),
  };
}

export const OFFLINE_DRAFTS: Readonly<Record<DraftUseCase, (context: DeidentifiedContext) => OfflineDraft>> =
  {
    soap_note: soapNote,
    dap_note: dapNote,
    birp_note: birpNote,
    treatment_plan: treatmentPlan,
    chart_summary: chartSummary,
    intake_extraction: intakeExtraction,
    message_triage: messageTriage,
    goal_progress: goalProgress,
  };
