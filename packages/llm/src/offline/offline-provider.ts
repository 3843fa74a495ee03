import { performance } from 'node:perf_hooks';
import type { UseCase } from '@carerelay/events';
import { CareRelayError } from '@carerelay/errors';
import type { CompletionRequest, CompletionResult, ModelClient } from '../provider.js';
import { isModelDrafted } from '../templates/types.js';
import { outputValidator } from '../templates/validate.js';
import { OFFLINE_DRAFTS } from './drafts.js';

/** Version of the offline draft builders; they follow the 1.x output schemas. */
export const OFFLINE_TEMPLATE_VERSION = '1.0.0';

/**
 * The embedded default and demo provider: not AI. It drafts from the structured
 * inputs of `request.context` only (the messages are never read), deterministically,
 * and labels every draft "Template draft: not AI-generated" in `draftLabel`. Nothing
 * leaves the process, so the recipient is the template itself.
 */
export class OfflineTemplateProvider implements ModelClient {
  readonly kind = 'OFFLINE_TEMPLATE' as const;

  recipient(_useCase: UseCase): string {
    return 'offline-template';
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    try {
      return Promise.resolve(this.draft(request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private draft(request: CompletionRequest): CompletionResult {
    const started = performance.now();
    if (!isModelDrafted(request.useCase)) {
      throw new CareRelayError(
        'OFFLINE_UNSUPPORTED_USE_CASE',
        `The offline template drafts no ${request.useCase}`,
      );
    }
    const draft = OFFLINE_DRAFTS[request.useCase](request.context);
    // Same contract as a model's answer: a schema from a newer template version the
    // builders do not follow fails here, not later in review.
    const validate = outputValidator(request.outputSchema.schema);
    if (!validate(draft)) {
      throw new CareRelayError(
        'OFFLINE_DRAFT_INVALID',
        `Offline ${request.useCase} draft does not match schema ${request.outputSchema.name}`,
        { details: { schema: request.outputSchema.name, errors: validate.errors?.length ?? 0 } },
      );
    }
    return {
      content: JSON.stringify(draft),
      finishReason: 'stop',
      promptTokens: 0,
      completionTokens: 0,
      modelVersion: `offline-template@${OFFLINE_TEMPLATE_VERSION}`,
      deployment: null,
      latencyMs: Math.round(performance.now() - started),
    };
  }
}
