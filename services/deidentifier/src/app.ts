import { AuditTrail } from '@carerelay/audit';
import type { KeyProvider } from '@carerelay/crypto';
import { aiRequestTopic, aiTaskTopic, auditEventTopic } from '@carerelay/events';
import type { TokenVault } from '@carerelay/phi';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { deidentifyTask } from './handlers/deidentify-task.js';

export const SERVICE_NAME = 'deidentifier';

export interface DeidentifierOptions {
  readonly keys: KeyProvider;
  readonly vault: TokenVault;
  readonly vaultTtlSeconds: number;
  readonly dateShift: boolean;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  /** Consumer group (default: the service name). */
  readonly groupId?: string;
  /** Where a new group starts (default: earliest, so no task published before the first start is lost). */
  readonly fromBeginning?: boolean;
  /** Releases what the composition root opened (Redis connection). */
  readonly close?: () => Promise<void>;
}

export function createDeidentifierApp(context: ServiceContext, options: DeidentifierOptions): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  return createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: aiTaskTopic,
    produces: [aiRequestTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    close: options.close,
    retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      deidentifyTask(delivery, {
        keys: options.keys,
        vault: options.vault,
        audit,
        logger,
        vaultTtlSeconds: options.vaultTtlSeconds,
        dateShift: options.dateShift,
        publish: (request) =>
          context.bus.publish(aiRequestTopic, {
            key: `${request.tenantId}:${request.subjectRef}`,
            value: request,
          }),
      }),
  });
}
