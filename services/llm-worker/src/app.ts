import { AuditTrail } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { KeyProvider } from '@carerelay/crypto';
import { aiDraftTopic, aiRequestTopic, auditEventTopic, type AiRequest } from '@carerelay/events';
import type { ModelClient } from '@carerelay/llm';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { DEFAULT_SUMMARY_CHUNK_TOKENS } from './config.js';
import { CircuitBreaker } from './domain/circuit-breaker.js';
import type { DraftCache, RateGate } from './domain/ports.js';
import { draftRequest } from './handlers/draft-request.js';

export const SERVICE_NAME = 'llm-worker';

export interface LlmWorkerOptions {
  readonly model: ModelClient;
  readonly deploymentFor: (request: AiRequest) => string;
  readonly keys: KeyProvider;
  /** Shared rate limit (Redis) or the embedded one. */
  readonly limiter: RateGate;
  /** Exactly-one paid call per task (Redis) or the embedded one. */
  readonly drafts: DraftCache;
  readonly rateMaxWaitMs: number;
  readonly callAttempts: number;
  readonly retryInitialMs: number;
  readonly maxRetryAfterMs: number;
  readonly circuit: { readonly threshold: number; readonly resetMs: number };
  readonly deliveryAttempts: number;
  readonly timeoutMs: number;
  readonly maxTokens: number;
  /** Prompt tokens of one call before a chart summary is summarized in pieces (LLM_SUMMARY_CHUNK_TOKENS). */
  readonly summaryChunkTokens?: number;
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  readonly close?: () => Promise<void>;
}

export function createLlmWorkerApp(context: ServiceContext, options: LlmWorkerOptions): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  const breaker = new CircuitBreaker(options.circuit.threshold, options.circuit.resetMs);
  // `/ready` names the model down while the provider refuses calls (circuit open, or a
  // Retry-After not yet over), next to main.ts's reachability probe of the endpoint.
  context.readiness?.register({
    name: 'model-calls',
    check: () => {
      const refused = breaker.unavailable();
      return refused
        ? Promise.reject(
            new CareRelayError(refused.code, `model deployment ${refused.deployment} is not taking calls`, {
              retryable: true,
            }),
          )
        : Promise.resolve();
    },
  });
  let stopping = false;
  return createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: aiRequestTopic,
    produces: [aiDraftTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    close: options.close,
    details: { provider: options.model.kind },
    // A model call waiting to be retried is abandoned on stop; the record is redelivered.
    onStopping: () => {
      stopping = true;
    },
    retry: {
      maxAttempts: options.deliveryAttempts,
      initialDelayMs: options.retryInitialMs,
      maxDelayMs: 60_000,
    },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      draftRequest(delivery, {
        model: options.model,
        deploymentFor: options.deploymentFor,
        limiter: options.limiter,
        breaker,
        idempotency: options.drafts,
        audit,
        logger,
        fingerprintKey: (tenantId) => options.keys.deriveKey(tenantId, 'fingerprint'),
        publish: (draft) =>
          context.bus.publish(aiDraftTopic, { key: `${draft.tenantId}:${draft.subjectRef}`, value: draft }),
        call: {
          attempts: options.callAttempts,
          initialDelayMs: options.retryInitialMs,
          maxRetryAfterMs: options.maxRetryAfterMs,
          stopping: () => stopping,
        },
        maxTokens: options.maxTokens,
        // The offline template drafts from the structured context in this process: no prompt
        // leaves it, so there is no call to fit and nothing to summarize in pieces.
        summaryChunkTokens:
          options.model.kind === 'OFFLINE_TEMPLATE'
            ? Infinity
            : (options.summaryChunkTokens ?? DEFAULT_SUMMARY_CHUNK_TOKENS),
        timeoutMs: options.timeoutMs,
        rateWaitMs: options.rateMaxWaitMs,
      }),
  });
}
