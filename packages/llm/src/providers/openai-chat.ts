import { APIConnectionTimeoutError, APIError, type OpenAI } from 'openai';
import type {} from '@azure/openai/types';
import { CareRelayError } from '@carerelay/errors';
import type { CompletionRequest, CompletionResult } from '../provider.js';

/** Milliseconds the server asked us to wait (Retry-After / retry-after-ms), if it said. */
export function retryAfterMs(
  headers: Headers | Record<string, string | null | undefined> | undefined,
): number | null {
  if (!headers) return null;
  const get = (name: string): string | null | undefined =>
    headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const after = get('retry-after');
  if (!after) return null;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Number(after) * 1000;
  const at = Date.parse(after);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

/**
 * One chat-completions call with structured output. SDK retries are off
 * (maxRetries 0 on the client): the worker owns retries, Retry-After, the
 * circuit breaker and the shared rate limit. Errors come back as
 * CareRelayError with a stable code and `retryable`; messages carry status
 * codes only, never prompt or response text.
 */
export async function chatCompletion(
  client: OpenAI,
  model: string,
  request: CompletionRequest,
): Promise<CompletionResult> {
  const began = performance.now();
  try {
    const response = await client.chat.completions.create(
      {
        model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: request.outputSchema.name,
            schema: { ...request.outputSchema.schema },
            strict: true,
          },
        },
        temperature: 0,
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      },
      {
        timeout: request.timeoutMs ?? 60_000,
        ...(request.requestId ? { headers: { 'x-ms-client-request-id': request.requestId } } : {}),
      },
    );
    const choice = response.choices[0];
    const content = choice?.message.content;
    if (!choice || typeof content !== 'string') {
      throw new CareRelayError('LLM_OUTPUT_INVALID', 'the model returned no message content', {
        retryable: true,
      });
    }
    return {
      content,
      finishReason: choice.finish_reason,
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
      modelVersion: response.model ?? null,
      deployment: model,
      latencyMs: Math.round(performance.now() - began),
    };
  } catch (err) {
    throw toModelError(err);
  }
}

function toModelError(err: unknown): CareRelayError {
  if (err instanceof CareRelayError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new CareRelayError('LLM_TIMEOUT', 'model call timed out', { retryable: true, cause: err });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status: number = err.status;
    const wait = retryAfterMs(err.headers as Headers | undefined);
    const details = { status, ...(wait !== null ? { retryAfterMs: wait } : {}) };
    if (status === 429)
      return new CareRelayError('LLM_RATE_LIMITED', 'model endpoint returned 429', {
        retryable: true,
        cause: err,
        details,
      });
    if (status >= 500 || status === 408) {
      return new CareRelayError('LLM_UPSTREAM_ERROR', `model endpoint returned ${status}`, {
        retryable: true,
        cause: err,
        details,
      });
    }
    return new CareRelayError('LLM_REQUEST_REJECTED', `model endpoint rejected the request (${status})`, {
      retryable: false,
      cause: err,
      details,
    });
  }
  return new CareRelayError('LLM_UNREACHABLE', 'model endpoint unreachable', { retryable: true, cause: err });
}
