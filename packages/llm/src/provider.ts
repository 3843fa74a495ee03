import type { DeidentifiedContext, ModelProvider, UseCase } from '@carerelay/events';

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/** One model call for one task. Everything in it is de-identified (tokens only). */
export interface CompletionRequest {
  readonly useCase: UseCase;
  readonly messages: readonly ChatMessage[];
  /** JSON Schema of the output (OpenAI structured outputs, strict). */
  readonly outputSchema: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  /** The structured inputs the messages were rendered from (the offline provider drafts from these alone). */
  readonly context: DeidentifiedContext;
  readonly maxTokens?: number;
  readonly timeoutMs?: number;
  /** Idempotency/correlation id sent upstream where supported (never PHI). */
  readonly requestId?: string;
}

export interface CompletionResult {
  /** The model's JSON output, unparsed. */
  readonly content: string;
  readonly finishReason: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly modelVersion: string | null;
  readonly deployment: string | null;
  readonly latencyMs: number;
}

/** Azure OpenAI, any OpenAI-compatible endpoint, or the offline template provider. */
export interface ModelClient {
  readonly kind: ModelProvider;
  /** Where the call goes, for audit ("recipient" of the disclosure). */
  recipient(useCase: UseCase): string;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}
