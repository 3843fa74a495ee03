import type { Delivery } from '@carerelay/bus';
import { toCareRelayError } from '@carerelay/errors';
import type { AiDraft, AiRequest } from '@carerelay/events';
import { draftMeasures, isModelDrafted, placeholdersIn, provenanceOf, templateFor } from '@carerelay/llm';
import { guardedCall, outboundPrompt, refuseLeaks, type DraftDeps, type TaskAudit } from './guarded-call.js';
import { planPieces, summarizeInPieces } from './summarize-in-pieces.js';
import { floorTriage } from './triage-floor.js';
import { intakeExtractionFor } from '../domain/intake-extraction.js';

export { outboundPrompt } from './guarded-call.js';
export type { DraftDeps, OutboundPrompt } from './guarded-call.js';

/**
 * ai.request.v1 → ai.draft.v1: leak guard (fail closed), idempotency, shared
 * rate limit, circuit breaker, model call with retries, output validation,
 * provenance, audit. The model only ever sees tokens. A chart summary whose prompt
 * exceeds the budget of one call is summarized in pieces first (map, then reduce),
 * every call through the same guard, limit, breaker and audit.
 */
export async function draftRequest(delivery: Delivery<AiRequest>, deps: DraftDeps): Promise<void> {
  const request = delivery.value;
  // A rules use case (the catalogue's producer: coding goes to the coder) is not this worker's to draft.
  if (!isModelDrafted(request.useCase)) return;
  const base: TaskAudit = {
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
  const fingerprintKey = await deps.fingerprintKey(request.tenantId);
  const prompt = outboundPrompt(request, template, fingerprintKey);
  const pieces = planPieces(request, prompt, fingerprintKey, deps.summaryChunkTokens);
  // Everything known before the first call is scanned before it: a leak anywhere sends nothing.
  await refuseLeaks([prompt, ...(pieces?.prompts ?? [])], base, deps);

  const deployment = deps.deploymentFor(request);
  const lock = await deps.idempotency.lock(request.tenantId, request.taskId);
  try {
    const summarized = pieces
      ? await summarizeInPieces(
          { request, base, deployment, template, plan: pieces, fingerprintKey, lock },
          deps,
        )
      : undefined;
    if (summarized) await lock.renew();
    const { value, result, attempts } = await guardedCall(
      {
        request,
        base,
        deployment,
        template,
        prompt: summarized?.prompt ?? prompt,
        callId: request.taskId,
        ...(summarized ? { counts: { partialCalls: summarized.partialCalls } } : {}),
      },
      deps,
    );
    // A message's triage is never below what the rules see in it (raise only, audited).
    const content = await floorTriage(request, value, prompt.context, deps);
    const draft: AiDraft = {
      taskId: request.taskId,
      tenantId: request.tenantId,
      subjectRef: request.subjectRef,
      useCase: request.useCase,
      content: JSON.stringify(content),
      placeholders: placeholdersIn(content),
      provenance: provenanceOf(deps.model, template, result),
      createdAt: Date.now(),
      // Part 2 travels with the draft: writeback labels the record, adds the notice, names the consent.
      securityLabels: request.securityLabels,
      consentRef: request.consentRef,
      // Findings and series by rules, not by the model: writeback states them and charts them.
      measures: draftMeasures(template, prompt.context),
      // Structured intake fields by rules (no model), from the de-identified answers.
      intakeExtraction: intakeExtractionFor(request.useCase, prompt.context),
    };
    await deps.idempotency.store(draft);
    await deps.publish(draft);
    deps.logger.info(
      {
        taskId: request.taskId,
        latencyMs: result.latencyMs,
        attempts,
        ...(summarized ? { partialCalls: summarized.partialCalls } : {}),
      },
      'draft published',
    );
  } catch (err) {
    const error = toCareRelayError(err);
    deps.logger.warn({ taskId: request.taskId, errorCode: error.code }, 'draft attempt failed');
    throw error;
  } finally {
    await lock.release();
  }
}
