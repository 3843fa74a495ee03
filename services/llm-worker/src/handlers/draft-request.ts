import { createHash } from 'node:crypto';
import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import { keyedHash } from '@carerelay/crypto';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { AiDraft, AiRequest, DeidentifiedContext } from '@carerelay/events';
import {
  isModelDrafted,
  placeholdersIn,
  provenanceOf,
  recordTextRanges,
  templateFor,
  validateOutput,
  type ChatMessage,
  type ModelClient,
  type PromptTemplate,
} from '@carerelay/llm';
import type { Logger } from '@carerelay/logger';
import { scanPrompt, type LeakFinding } from '@carerelay/phi';
import type { CircuitBreaker } from '../domain/circuit-breaker.js';
import { intakeExtractionFor } from '../domain/intake-extraction.js';
import type { DraftCache, RateGate } from '../domain/ports.js';
import { callModel, type CallPolicy } from './call-model.js';

export interface DraftDeps {
  readonly model: ModelClient;
  /** Deployment name for circuit-breaking and provenance (per use case). */
  readonly deploymentFor: (request: AiRequest) => string;
  readonly limiter: RateGate;
  readonly breaker: CircuitBreaker;
  readonly idempotency: DraftCache;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly fingerprintKey: (tenantId: string) => Promise<Buffer>;
  readonly publish: (draft: AiDraft) => Promise<void>;
  readonly call: CallPolicy;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  readonly rateWaitMs: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface OutboundPrompt {
  /** The messages the provider SDK sends, frozen: what was scanned is what goes out. */
  readonly messages: readonly ChatMessage[];
  readonly context: DeidentifiedContext;
  /** Empty when the prompt may leave. */
  readonly findings: readonly LeakFinding[];
  /** SHA-256 of the messages exactly as they go into the request body (role and content, JSON). */
  readonly promptHash: string;
  /** Characters of message content, for the token estimate. */
  readonly length: number;
}

/**
 * Renders the prompt, then runs the final leak guard on the rendered messages: the content
 * strings the SDK serializes into the HTTP body, nothing else of the task goes there (the
 * output schema and the rest of the body are template and configuration). Findings count in
 * the record text of the messages (the data blocks); the rest is the hashed template. Masked are only
 * the tokens the deidentifier issued for this task; the keyed fingerprints of the task's known
 * identifiers and high-confidence detection do the finding (this worker holds no PHI).
 */
export function outboundPrompt(
  request: AiRequest,
  template: PromptTemplate,
  fingerprintKey: Buffer,
): OutboundPrompt {
  const context = JSON.parse(request.deidentifiedContext) as DeidentifiedContext;
  const messages = Object.freeze(
    template.render(context).map((m) => Object.freeze({ role: m.role, content: m.content })),
  );
  const fingerprints = {
    set: new Set(request.knownFingerprints),
    hash: (w: string) => keyedHash(fingerprintKey, w),
  };
  const scan = scanPrompt(messages, {
    fingerprints,
    tokens: request.issuedTokens,
    recordText: recordTextRanges,
  });
  return {
    messages,
    context,
    findings: scan.findings,
    // The messages are frozen `{ role, content }` pairs: their JSON is the body's messages.
    promptHash: sha256(JSON.stringify(messages)),
    length: messages.reduce((n, m) => n + m.content.length, 0),
  };
}

/**
 * ai.request.v1 → ai.draft.v1: leak guard (fail closed), idempotency, shared
 * rate limit, circuit breaker, model call with retries, output validation,
 * provenance, audit. The model only ever sees tokens.
 */
export async function draftRequest(delivery: Delivery<AiRequest>, deps: DraftDeps): Promise<void> {
  const request = delivery.value;
  // A rules use case (the catalogue's producer: coding goes to the coder) is not this worker's to draft.
  if (!isModelDrafted(request.useCase)) return;
  const base = {
    tenantId: request.tenantId,
    taskId: request.taskId,
    purposeOfUse: request.purposeOfUse,
    useCase: request.useCase,
  };
  const cached = await deps.idempotency.cached(request.tenantId, request.taskId);
  if (cached) {
    // Redelivery after a crash between caching and committing: republish, never pay twice.
    await deps.publish(cached);
    return;
  }
  const template = templateFor(request.useCase);
  const prompt = outboundPrompt(request, template, await deps.fingerprintKey(request.tenantId));
  const { messages, context, findings } = prompt;
  if (findings.length > 0) {
    await deps.audit.record({
      ...base,
      action: 'LEAK_BLOCKED',
      outcome: 'BLOCKED',
      reasonCode: 'LLM_LEAK_BLOCKED',
      counts: { findings: findings.length },
    });
    throw new CareRelayError(
      'LLM_LEAK_BLOCKED',
      `outbound scan found ${findings.length} identifier(s); nothing was sent`,
      {
        retryable: false,
      },
    );
  }

  const deployment = deps.deploymentFor(request);
  const release = await deps.idempotency.lock(request.tenantId, request.taskId);
  try {
    const estimate = Math.ceil(prompt.length / 4) + deps.maxTokens;
    const { result, attempts } = await callModel(
      deps.model,
      deployment,
      {
        useCase: request.useCase,
        messages,
        outputSchema: template.outputSchema,
        context,
        maxTokens: deps.maxTokens,
        timeoutMs: deps.timeoutMs,
        requestId: request.taskId,
      },
      deps.breaker,
      deps.call,
      () => deps.limiter.acquire(request.taskId, estimate, deps.rateWaitMs, { stopping: deps.call.stopping }),
    );
    const checked = validateOutput(template, result.content);
    await deps.audit.record({
      ...base,
      action: 'LLM_CALL',
      outcome: checked.ok ? 'SUCCESS' : 'FAILURE',
      reasonCode: checked.ok ? null : 'LLM_OUTPUT_INVALID',
      recipient: deps.model.recipient(request.useCase),
      model: result.modelVersion ?? result.deployment,
      templateVersion: `${template.id}@${template.version}`,
      counts: {
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
        latencyMs: result.latencyMs,
        attempts,
      },
      hashes: { prompt: prompt.promptHash, response: sha256(result.content), template: template.hash },
    });
    if (!checked.ok) {
      throw new CareRelayError(
        'LLM_OUTPUT_INVALID',
        `model output does not match ${template.id}@${template.version}: ${checked.errors.slice(0, 3).join('; ')}`,
        {
          retryable: true,
        },
      );
    }
    const draft: AiDraft = {
      taskId: request.taskId,
      tenantId: request.tenantId,
      subjectRef: request.subjectRef,
      useCase: request.useCase,
      content: JSON.stringify(checked.value),
      placeholders: placeholdersIn(checked.value),
      provenance: provenanceOf(deps.model, template, result),
      createdAt: Date.now(),
      // Part 2 travels with the draft: writeback labels the record, adds the notice, names the consent.
      securityLabels: request.securityLabels,
      consentRef: request.consentRef,
      intakeExtraction: intakeExtractionFor(request.useCase, context),
    };
    await deps.idempotency.store(draft);
    await deps.publish(draft);
    deps.logger.info({ taskId: request.taskId, latencyMs: result.latencyMs, attempts }, 'draft published');
  } catch (err) {
    const error = toCareRelayError(err);
    deps.logger.warn({ taskId: request.taskId, errorCode: error.code }, 'draft attempt failed');
    throw error;
  } finally {
    await release();
  }
}
