import { AuditTrail } from '@carerelay/audit';
import type { FhirClient } from '@carerelay/ehr';
import { aiDraftTopic, auditEventTopic, ehrWritebackTopic } from '@carerelay/events';
import type { TokenVault } from '@carerelay/phi';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { writeDraft } from './handlers/write-draft.js';

export const SERVICE_NAME = 'writeback';

export interface WritebackOptions {
  /** The same vault the deidentifier wrote (Redis, or the embedded in-memory one). */
  readonly vault: TokenVault;
  readonly fhir: Pick<FhirClient, 'createIfNoneExist' | 'search'>;
  /** FHIR base URL, recorded as the recipient of each disclosure. */
  readonly ehrEndpoint: string;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  /** Releases what the composition root opened (Redis connection). */
  readonly close?: () => Promise<void>;
  readonly now?: () => number;
}

/**
 * writeback: ai.draft.v1 → EHR draft records → ehr.writeback.v1.
 * risk.alert.v1 and coding.suggestion.v1 are not consumed yet.
 */
export function createWritebackApp(context: ServiceContext, options: WritebackOptions): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  return createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: aiDraftTopic,
    produces: [ehrWritebackTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    close: options.close,
    // EHR 5xx and timeouts (EHR_UNAVAILABLE) are retried; 4xx and signed records go to the DLQ.
    retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      writeDraft(delivery, {
        vault: options.vault,
        fhir: options.fhir,
        audit,
        logger,
        ehrEndpoint: options.ehrEndpoint,
        ...(options.now ? { now: options.now } : {}),
        publish: (outcome) =>
          context.bus.publish(ehrWritebackTopic, {
            key: `${outcome.tenantId}:${outcome.clientId}`,
            value: outcome,
          }),
      }),
  });
}
