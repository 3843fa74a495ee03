import OpenAI from 'openai';
import type { UseCase } from '@carerelay/events';
import type { CompletionRequest, CompletionResult, ModelClient } from '../provider.js';
import { chatCompletion } from './openai-chat.js';

export interface OpenAICompatibleOptions {
  /** e.g. http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:11434/v1 (Ollama) */
  readonly baseURL: string;
  readonly model: string;
  readonly apiKey?: string;
}

/**
 * Any OpenAI-compatible endpoint (self-hosted vLLM, Ollama). When the model runs
 * inside the practice's own boundary no BAA is needed; the same de-identification
 * and leak guard still apply.
 */
export class OpenAICompatibleModelClient implements ModelClient {
  readonly kind = 'OPENAI_COMPATIBLE' as const;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'not-needed',
      maxRetries: 0,
    });
  }

  recipient(_useCase: UseCase): string {
    return `openai-compatible:${new URL(this.options.baseURL).host}/${this.options.model}`;
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    return chatCompletion(this.client, this.options.model, request);
  }
}
