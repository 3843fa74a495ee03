import { AuditTrail } from '@carerelay/audit';
import type { KeyProvider } from '@carerelay/crypto';
import type { EhrAdapter } from '@carerelay/ehr';
import { aiTaskTopic, auditEventTopic, ehrChangeTopic, reviewOutcomeTopic } from '@carerelay/events';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import type { NoteFormat } from './domain/planner.js';
import { planChange } from './handlers/plan-change.js';

export const SERVICE_NAME = 'ehr-connector';

export interface EhrConnectorOptions {
  readonly adapter: EhrAdapter;
  readonly keys: KeyProvider;
  readonly noteFormat: NoteFormat;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  readonly close?: () => Promise<void>;
}

/** The task planner: ehr.change.v1 → access check → minimum-necessary context → ai.task.v1. */
export function createEhrConnectorApp(context: ServiceContext, options: EhrConnectorOptions): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  return createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: ehrChangeTopic,
    produces: [ehrChangeTopic, aiTaskTopic, reviewOutcomeTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    close: options.close,
    retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      planChange(delivery, {
        adapter: options.adapter,
        onCareTeam: (clientId, practitionerId) => options.adapter.isOnCareTeam(clientId, practitionerId),
        keys: options.keys,
        audit,
        logger,
        noteFormat: options.noteFormat,
        publishTask: (task) =>
          context.bus.publish(aiTaskTopic, { key: `${task.tenantId}:${task.clientId}`, value: task }),
      }),
  });
}
