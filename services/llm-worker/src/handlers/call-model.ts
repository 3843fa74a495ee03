import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { CompletionRequest, CompletionResult, ModelClient } from '@carerelay/llm';
import type { CircuitBreaker } from '../domain/circuit-breaker.js';

export interface CallPolicy {
  /** HTTP attempts within one delivery (429/5xx/timeouts). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  /** A Retry-After longer than this is not waited for in-process: the record is retried later instead. */
  readonly maxRetryAfterMs: number;
  readonly stopping: () => boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls the model through the deployment's circuit breaker, retrying 429, 5xx
 * and timeouts with exponential backoff and jitter, honoring Retry-After.
 * `beforeAttempt` runs before every HTTP attempt (the shared rate limit counts
 * each one).
 */
export async function callModel(
  model: ModelClient,
  deployment: string,
  request: CompletionRequest,
  breaker: CircuitBreaker,
  policy: CallPolicy,
  beforeAttempt: () => Promise<void>,
): Promise<{ result: CompletionResult; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    breaker.enter(deployment);
    await beforeAttempt();
    try {
      const result = await model.complete(request);
      breaker.success(deployment);
      return { result, attempts: attempt };
    } catch (err) {
      const error = toCareRelayError(err);
      if (!error.retryable) {
        // A 4xx is the request's fault, not the deployment's: the circuit stays as it is.
        breaker.success(deployment);
        throw error;
      }
      breaker.failure(deployment);
      if (attempt >= policy.attempts || policy.stopping()) throw error;
      const asked = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : null;
      if (asked !== null) breaker.throttled(deployment, asked);
      if (asked !== null && asked > policy.maxRetryAfterMs) {
        throw new CareRelayError(
          error.code,
          `${error.message}; Retry-After ${asked} ms exceeds the in-process wait`,
          {
            retryable: true,
            cause: error,
          },
        );
      }
      const ceiling = policy.initialDelayMs * 2 ** (attempt - 1);
      const backoff = ceiling / 2 + Math.random() * (ceiling / 2);
      await sleep(Math.max(asked ?? 0, backoff));
    }
  }
}
