import type { ModelProvenance } from '@carerelay/events';
import type { CompletionResult, ModelClient } from './provider.js';
import type { PromptTemplate } from './templates/index.js';

/** What produced a draft: provider, deployment, model version, template id/version/hash, usage. */
export function provenanceOf(
  model: Pick<ModelClient, 'kind'>,
  template: Pick<PromptTemplate, 'id' | 'version' | 'hash'>,
  result: CompletionResult,
): ModelProvenance {
  return {
    provider: model.kind,
    deployment: result.deployment,
    modelVersion: result.modelVersion,
    templateId: template.id,
    templateVersion: template.version,
    templateHash: template.hash,
    promptTokens: result.promptTokens,
    completionTokens: result.completionTokens,
    latencyMs: result.latencyMs,
    finishReason: result.finishReason,
  };
}
