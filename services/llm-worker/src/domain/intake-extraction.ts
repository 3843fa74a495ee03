import { extractIntake } from '@carerelay/clinical';
import type { AiDraft, DeidentifiedContext, UseCase } from '@carerelay/events';

/**
 * The structured fields of an intake form that travel with its draft (ai.draft.v1
 * `intakeExtraction`): computed here by rules, not by the model, from the de-identified answers,
 * so they hold tokens and no PHI, like the draft itself; writeback re-identifies them and writes
 * them as preliminary Observations. null for every other use case.
 */
export function intakeExtractionFor(
  useCase: UseCase,
  context: DeidentifiedContext,
): AiDraft['intakeExtraction'] {
  if (useCase !== 'intake_extraction') return null;
  return extractIntake(
    // A request from an older deidentifier carries no linkId or code: the wording then decides.
    context.intakeAnswers.map((a) => ({
      question: a.question,
      answer: a.answer,
      linkId: a.linkId ?? null,
      code: a.code ?? null,
    })),
  );
}
