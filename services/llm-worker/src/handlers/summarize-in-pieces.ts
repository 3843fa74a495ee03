import type { AiRequest, DeidentifiedContext } from '@carerelay/events';
import { stepTemplateFor, type PromptTemplate } from '@carerelay/llm';
import {
  chunkPieces,
  estimateTokens,
  pieceOf,
  summaryPiece,
  type NotePiece,
  type PartialSummary,
} from '../domain/note-chunks.js';
import type { TaskLock } from '../domain/ports.js';
import {
  guardedCall,
  outboundPrompt,
  type DraftDeps,
  type OutboundPrompt,
  type TaskAudit,
} from './guarded-call.js';

/** The step template that condenses one run of consecutive notes (`templates/<useCase>/partial/`). */
export const PARTIAL_STEP = 'partial';

/** Partial summaries of partial summaries, at most this deep (each level at least halves the pieces). */
const MAX_LEVELS = 3;

/** A request too long for one call: its notes in runs, each run's prompt rendered and scanned. */
export interface PiecesPlan {
  readonly partial: PromptTemplate;
  readonly chunks: readonly NotePiece[][];
  readonly prompts: readonly OutboundPrompt[];
}

const withNotes = (context: DeidentifiedContext, pieces: readonly NotePiece[]): DeidentifiedContext => ({
  ...context,
  priorNotes: pieces.map((p) => p.note),
});

/** Prompt tokens of a template over the context without any note. */
function baseTokens(template: PromptTemplate, context: DeidentifiedContext): number {
  const messages = template.render({ ...context, priorNotes: [] });
  return estimateTokens(messages.reduce((n, m) => n + m.content.length, 0));
}

/**
 * Whether the one-call `prompt` exceeds the budget and the use case can be summarized in pieces
 * (it has a `partial` step and prior notes): then its notes in runs that each fit, with their
 * prompts. Undefined means one call, as for every other request.
 */
export function planPieces(
  request: AiRequest,
  prompt: OutboundPrompt,
  fingerprintKey: Buffer,
  budgetTokens: number,
): PiecesPlan | undefined {
  if (estimateTokens(prompt.length) <= budgetTokens) return undefined;
  const partial = stepTemplateFor(request.useCase, PARTIAL_STEP);
  const context = prompt.context;
  if (!partial || context.priorNotes.length === 0) return undefined;
  const chunks = chunkPieces(context.priorNotes.map(pieceOf), baseTokens(partial, context), budgetTokens);
  const prompts = chunks.map((chunk) =>
    outboundPrompt(request, partial, fingerprintKey, withNotes(context, chunk)),
  );
  return { partial, chunks, prompts };
}

export interface PiecesRun {
  readonly request: AiRequest;
  readonly base: TaskAudit;
  readonly deployment: string;
  /** The use case's own template: the last call renders it over the partial summaries. */
  readonly template: PromptTemplate;
  readonly plan: PiecesPlan;
  readonly fingerprintKey: Buffer;
  readonly lock: TaskLock;
}

/**
 * Map: each run of consecutive notes → a partial summary, one guarded call each (leak guard,
 * rate limit, breaker, retries, output validation, LLM_CALL audit), in order; the first failure
 * fails the task as a single call's would. When the partial summaries are still over the budget,
 * they are condensed again. Returns the prompt of the reduce step: the use case's template over
 * the partial summaries and the rest of the context, rendered and scanned (not yet sent), and
 * how many partial calls were made.
 */
export async function summarizeInPieces(
  run: PiecesRun,
  deps: DraftDeps,
): Promise<{ prompt: OutboundPrompt; partialCalls: number }> {
  const { request, plan, fingerprintKey } = run;
  const context = JSON.parse(request.deidentifiedContext) as DeidentifiedContext;
  let chunks = plan.chunks;
  let prompts: readonly (OutboundPrompt | undefined)[] = plan.prompts;
  let partialCalls = 0;
  for (let level = 1; ; level++) {
    const summaries: NotePiece[] = [];
    for (const [index, chunk] of chunks.entries()) {
      await run.lock.renew();
      const prompt =
        prompts[index] ?? outboundPrompt(request, plan.partial, fingerprintKey, withNotes(context, chunk));
      partialCalls += 1;
      const { value } = await guardedCall(
        {
          request,
          base: run.base,
          deployment: run.deployment,
          template: plan.partial,
          prompt,
          callId: `${request.taskId}:${PARTIAL_STEP}-${level}-${index + 1}`,
          counts: {
            level,
            piece: index + 1,
            pieces: chunks.length,
            notes: chunk.reduce((n, p) => n + p.notes, 0),
          },
        },
        deps,
      );
      summaries.push(summaryPiece(chunk, value as PartialSummary));
    }
    const reduced = outboundPrompt(request, run.template, fingerprintKey, withNotes(context, summaries));
    if (estimateTokens(reduced.length) <= deps.summaryChunkTokens || level >= MAX_LEVELS)
      return { prompt: reduced, partialCalls };
    const again = chunkPieces(summaries, baseTokens(plan.partial, context), deps.summaryChunkTokens);
    // Every summary alone fills a call: condensing again would not shorten the record.
    if (again.length === summaries.length) return { prompt: reduced, partialCalls };
    chunks = again;
    prompts = [];
  }
}
