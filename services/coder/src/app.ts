import { AuditTrail } from '@carerelay/audit';
import { aiRequestTopic, auditEventTopic, codingSuggestionTopic } from '@carerelay/events';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { suggestForRequest } from './handlers/suggest-codes.js';

export const SERVICE_NAME = 'coder';

export interface CoderOptions {
  /** Consumer group (default: the service name). */
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  readonly retryInitialMs?: number;
}

/**
 * coder: ai.request.v1 of the `coding` use case (de-identified) → coding.suggestion.v1,
 * by deterministic rules (packages/clinical/src/coding), never a model.
 */
export function createCoderApp(context: ServiceContext, options: CoderOptions = {}): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  return createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: aiRequestTopic,
    produces: [codingSuggestionTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    retry: {
      maxAttempts: options.maxAttempts ?? 5,
      initialDelayMs: options.retryInitialMs ?? 500,
      maxDelayMs: 60_000,
    },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      suggestForRequest(delivery, {
        audit,
        logger,
        publish: (suggestion) =>
          context.bus.publish(codingSuggestionTopic, {
            key: `${suggestion.tenantId}:${suggestion.subjectRef}`,
            value: suggestion,
          }),
      }),
  });
}
