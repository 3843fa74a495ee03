import { createHash } from 'node:crypto';
import type { AuditTrail } from '@carerelay/audit';
import { keyedHash } from '@carerelay/crypto';
import { CareRelayError } from '@carerelay/errors';
import type { AiDraft, AiRequest, DeidentifiedContext } from '@carerelay/events';
import {
  recordTextRanges,
  validateOutput,
  type ChatMessage,
  type CompletionResult,
  type ModelClient,
  type PromptTemplate,
} from '@carerelay/llm';
import type { Logger } from '@carerelay/logger';
import { scanPrompt, type LeakFinding } from '@carerelay/phi';
import type { CircuitBreaker } from '../domain/circuit-breaker.js';
import { estimateTokens } from '../domain/note-chunks.js';
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
  /**
   * Prompt tokens one call may carry before a use case with a `partial` step template (chart
   * summary) is summarized in pieces; Infinity never splits.
   */
  readonly summaryChunkTokens: number;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

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
 * `context` is the request's own unless a step renders part of it (a piece of a long summary).
 */
export function outboundPrompt(
  request: AiRequest,
  template: PromptTemplate,
  fingerprintKey: Buffer,
  context: DeidentifiedContext = JSON.parse(request.deidentifiedContext) as DeidentifiedContext,
): OutboundPrompt {
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

/** The audit fields every record about the task carries. */
export interface TaskAudit {
  readonly tenantId: string;
  readonly taskId: string;
  readonly purposeOfUse: string;
  readonly useCase: string;
}

/** Fail closed: a prompt with any finding is never sent; the block is audited, the task dead-lettered. */
export async function refuseLeaks(
  prompts: readonly OutboundPrompt[],
  base: TaskAudit,
  deps: DraftDeps,
): Promise<void> {
  const findings = prompts.reduce((n, p) => n + p.findings.length, 0);
  if (findings === 0) return;
  await deps.audit.record({
    ...base,
    action: 'LEAK_BLOCKED',
    outcome: 'BLOCKED',
    reasonCode: 'LLM_LEAK_BLOCKED',
    counts: { findings },
  });
  throw new CareRelayError(
    'LLM_LEAK_BLOCKED',
    `outbound scan found ${findings} identifier(s); the prompt was not sent`,
    { retryable: false },
  );
}

/** One model call of a task: which prompt, to which deployment, and what else its audit record counts. */
export interface GuardedCall {
  readonly request: AiRequest;
  readonly base: TaskAudit;
  readonly deployment: string;
  readonly template: PromptTemplate;
  /** Scanned clean by `refuseLeaks` before this call. */
  readonly prompt: OutboundPrompt;
  /** Distinguishes the calls of one task for the shared rate limit and upstream correlation. */
  readonly callId: string;
  /** Extra audit counts (which piece of how many). */
  readonly counts?: Readonly<Record<string, number>>;
}

/**
 * Calls the model (shared rate limit, circuit breaker, retries), validates the output against
 * the template's schema and audits the call (LLM_CALL: recipient, model, template, token counts,
 * prompt and response hashes, never text). Invalid output fails the task (retryable).
 */
export async function guardedCall(
  call: GuardedCall,
  deps: DraftDeps,
): Promise<{ value: unknown; result: CompletionResult; attempts: number }> {
  const { request, template, prompt } = call;
  if (prompt.findings.length > 0) await refuseLeaks([prompt], call.base, deps);
  const estimate = estimateTokens(prompt.length) + deps.maxTokens;
  const { result, attempts } = await callModel(
    deps.model,
    call.deployment,
    {
      useCase: request.useCase,
      messages: prompt.messages,
      outputSchema: template.outputSchema,
      context: prompt.context,
      maxTokens: deps.maxTokens,
      timeoutMs: deps.timeoutMs,
      requestId: call.callId,
    },
    deps.breaker,
    deps.call,
    () => deps.limiter.acquire(call.callId, estimate, deps.rateWaitMs, { stopping: deps.call.stopping }),
  );
  const checked = validateOutput(template, result.content);
  await deps.audit.record({
    ...call.base,
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
      ...call.counts,
    },
    hashes: { prompt: prompt.promptHash, response: sha256(result.content), template: template.hash },
  });
  if (!checked.ok) {
    throw new CareRelayError(
      'LLM_OUTPUT_INVALID',
      `model output does not match ${template.id}@${template.version}: ${checked.errors.slice(0, 3).join('; ')}`,
      { retryable: true },
    );
  }
  return { value: checked.value, result, attempts };
}
