import type { DeidentifiedContext, UseCase } from '@carerelay/events';
import { CATALOGUE, MODEL_USE_CASES } from '@carerelay/policy';
import type { ChatMessage } from '../provider.js';

/**
 * Use cases drafted by a model. Which ones is the catalogue's to say (`producer.kind`); this
 * type only names them for the compiler, and the template test checks the two agree.
 */
export type DraftUseCase = Exclude<UseCase, 'coding' | 'outcome_review'>;

/**
 * Whether a model drafts `useCase` (the catalogue's producer is a template, not a rules
 * engine): services ask this instead of comparing use-case names.
 */
export function isModelDrafted(useCase: UseCase): useCase is DraftUseCase {
  return CATALOGUE[useCase].producer.kind === 'model';
}

/** The catalogue's model use cases: each has a prompt template here, no other use case has one. */
export const DRAFT_USE_CASES: readonly DraftUseCase[] = MODEL_USE_CASES.filter(isModelDrafted);

/** Value of every output's `draftLabel`: says who wrote the draft, so the label travels with the content. */
export const DRAFT_LABEL = {
  model: 'AI-Assisted Draft',
  offlineTemplate: 'Template draft: not AI-generated',
} as const;

/** OpenAI structured outputs `json_schema` payload (strict mode). */
export interface OutputSchema {
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/**
 * One versioned prompt template: `templates/<useCase>/<semver>/{system.md,user.md,schema.json}`,
 * or a step of the use case at `templates/<useCase>/<step>/<semver>/`.
 */
export interface PromptTemplate {
  /** The use case, or `<useCase>.<step>` for a step template. */
  readonly id: string;
  readonly useCase: DraftUseCase;
  readonly version: string;
  /** SHA-256 hex of the canonical content of the three files (never of a render). */
  readonly hash: string;
  readonly outputSchema: OutputSchema;
  /**
   * The template gives the model the measurement-based care findings ({{measurementFindings}} in
   * user.md): its drafts carry the series and findings (ai.draft.v1 `measures`) for writeback to
   * state in the draft and chart.
   */
  readonly measurementBasedCare: boolean;
  render(context: DeidentifiedContext): ChatMessage[];
}

export type OutputValidation =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: string[] };
