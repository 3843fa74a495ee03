import type { DeidentifiedContext, UseCase } from '@carerelay/events';
import type { ChatMessage } from '../provider.js';

/** Use cases drafted by a model. `coding` is deterministic rules (packages elsewhere) and has no template. */
export type DraftUseCase = Exclude<UseCase, 'coding'>;

export const DRAFT_USE_CASES: readonly DraftUseCase[] = [
  'soap_note',
  'dap_note',
  'birp_note',
  'treatment_plan',
  'chart_summary',
  'intake_extraction',
  'message_triage',
  'goal_progress',
];

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

/** One versioned prompt template: `templates/<id>/<semver>/{system.md,user.md,schema.json}`. */
export interface PromptTemplate {
  readonly id: string;
  readonly useCase: DraftUseCase;
  readonly version: string;
  /** SHA-256 hex of the canonical content of the three files (never of a render). */
  readonly hash: string;
  readonly outputSchema: OutputSchema;
  render(context: DeidentifiedContext): ChatMessage[];
}

export type OutputValidation =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: string[] };
