import type { TaskContext, UseCase } from '@carerelay/events';
import { CATALOGUE, type ReadField, type ReadPlan } from './catalogue.js';

const DAY_MS = 86_400_000;

/**
 * The first day (`YYYY-MM-DD`, UTC) of a prior-notes window read at `now`, or undefined when
 * the plan has no window. The FHIR read searches from it, and minimum necessary applies it again.
 */
export function priorNotesSince(plan: ReadPlan['priorNotes'], now: Date): string | undefined {
  if (plan?.withinDays === undefined) return undefined;
  return new Date(now.getTime() - plan.withinDays * DAY_MS).toISOString().slice(0, 10);
}

/** Clinical context fields a use case may read; identity fields of `client` are handled by de-identification. */
export type ContextField = Exclude<keyof TaskContext, 'client' | 'relatedPersons' | 'careTeam'>;

/** The context fields the catalogue lets a use case read (its read plan, without the identity hints). */
export function contextFieldsOf(useCase: UseCase): ContextField[] {
  return (Object.keys(CATALOGUE[useCase].reads) as ReadField[]).filter(
    (f): f is ContextField => f !== 'identityHints',
  );
}

/**
 * Minimum necessary (45 CFR 164.502(b), 164.514(d)), applied again after the read: the
 * connector reads only what the catalogue declares, and this empties anything else (not
 * just ignores it) so that a context from another source (a Bundle, an older task) cannot
 * carry more than the use case may see. Relatives and care team are kept only where the
 * use case reads narrative: their names teach de-identification what to remove.
 */
export function applyMinimumNecessary(
  context: TaskContext,
  useCase: UseCase,
  now: Date = new Date(),
): TaskContext {
  const reads = CATALOGUE[useCase].reads;
  const since = priorNotesSince(reads.priorNotes, now);
  return {
    ...context,
    relatedPersons: reads.identityHints ? context.relatedPersons : [],
    careTeam: reads.identityHints ? context.careTeam : [],
    encounter: reads.encounter ? context.encounter : null,
    sessionNotes: reads.sessionNotes ? context.sessionNotes : null,
    priorNotes: reads.priorNotes
      ? context.priorNotes
          .filter((n) => since === undefined || n.date.slice(0, 10) >= since)
          .slice(0, reads.priorNotes.max)
      : [],
    goals: reads.goals ? context.goals : [],
    assessments: reads.assessments ? context.assessments : [],
    diagnoses: reads.diagnoses ? context.diagnoses : [],
    messages: reads.messages ? context.messages.slice(0, reads.messages.max) : [],
    intakeAnswers: reads.intakeAnswers ? context.intakeAnswers : [],
  };
}
