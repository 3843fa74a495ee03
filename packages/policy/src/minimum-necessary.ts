import type { TaskContext, UseCase } from '@carerelay/events';

/** Clinical context fields a use case may read; identity fields of `client` are handled by de-identification. */
export type ContextField = Exclude<keyof TaskContext, 'client' | 'relatedPersons' | 'careTeam'>;

/**
 * Minimum necessary (45 CFR 164.502(b), 164.514(d)): each use case reads only the
 * fields it needs. Everything else is removed before de-identification, so it
 * never reaches a model. Relatives and care team are never sent as such: their
 * names only teach the detector what to remove.
 */
export const MINIMUM_NECESSARY: Readonly<Record<UseCase, readonly ContextField[]>> = {
  soap_note: ['encounter', 'sessionNotes', 'priorNotes', 'goals', 'assessments', 'diagnoses'],
  dap_note: ['encounter', 'sessionNotes', 'priorNotes', 'goals', 'assessments', 'diagnoses'],
  birp_note: ['encounter', 'sessionNotes', 'priorNotes', 'goals', 'assessments', 'diagnoses'],
  treatment_plan: ['priorNotes', 'goals', 'assessments', 'diagnoses', 'intakeAnswers'],
  chart_summary: ['encounter', 'priorNotes', 'goals', 'assessments', 'diagnoses'],
  intake_extraction: ['intakeAnswers'],
  message_triage: ['messages', 'assessments', 'diagnoses'],
  coding: ['encounter', 'sessionNotes', 'diagnoses'],
  goal_progress: ['priorNotes', 'goals', 'assessments'],
};

/** Fields beyond the use case's set are emptied (not just ignored), so later code cannot read them by mistake. */
export function applyMinimumNecessary(context: TaskContext, useCase: UseCase): TaskContext {
  const allowed = new Set<ContextField>(MINIMUM_NECESSARY[useCase]);
  return {
    ...context,
    encounter: allowed.has('encounter') ? context.encounter : null,
    sessionNotes: allowed.has('sessionNotes') ? context.sessionNotes : null,
    priorNotes: allowed.has('priorNotes') ? context.priorNotes.slice(0, 3) : [],
    goals: allowed.has('goals') ? context.goals : [],
    assessments: allowed.has('assessments') ? context.assessments : [],
    diagnoses: allowed.has('diagnoses') ? context.diagnoses : [],
    messages: allowed.has('messages') ? context.messages : [],
    intakeAnswers: allowed.has('intakeAnswers') ? context.intakeAnswers : [],
  };
}
