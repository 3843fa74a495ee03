import { AuditTrail } from '@carerelay/audit';
import { aiRequestTopic, auditEventTopic, riskAlertTopic } from '@carerelay/events';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { InMemoryAlertDedup, type AlertDedup } from './domain/alert-dedup.js';
import { screenRequest } from './handlers/screen-request.js';

export const SERVICE_NAME = 'risk-scanner';

export interface RiskScannerOptions {
  /** Where the dedup windows live: Redis across replicas, memory in one process (the default). */
  readonly dedup?: AlertDedup;
  /** One alert per client and trigger inside this window (default 24 h). */
  readonly riskWindowMs?: number;
  /** One plan-review flag per client and instrument inside this window (default 30 days). */
  readonly planReviewWindowMs?: number;
  /** Administrations without reliable change that make stagnation (default 4). */
  readonly stagnationSessions?: number;
  /** Consumer group (default: the service name). */
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  readonly retryInitialMs?: number;
  /** Releases what the composition root opened (Redis connection). */
  readonly close?: () => Promise<void>;
  readonly now?: () => number;
}

export const DEFAULT_RISK_WINDOW_MS = 24 * 3_600_000;
export const DEFAULT_PLAN_REVIEW_WINDOW_MS = 30 * 86_400_000;

/**
 * risk-scanner: ai.request.v1 (de-identified context: text and structured scores, never an
 * identifier) → risk.alert.v1, by deterministic rules (validated instrument triggers, risk
 * language with ConText-style scopes, series stagnation); writeback raises the Flag and Task.
 */
export function createRiskScannerApp(context: ServiceContext, options: RiskScannerOptions = {}): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  const dedup = options.dedup ?? new InMemoryAlertDedup(options.now);
  const app = createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: aiRequestTopic,
    produces: [riskAlertTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    retry: {
      maxAttempts: options.maxAttempts ?? 5,
      initialDelayMs: options.retryInitialMs ?? 500,
      maxDelayMs: 60_000,
    },
    onDeadLetter: (letter) => audit.deadLettered(letter),
    handler: (delivery) =>
      screenRequest(delivery, {
        audit,
        logger,
        dedup,
        riskWindowMs: options.riskWindowMs ?? DEFAULT_RISK_WINDOW_MS,
        planReviewWindowMs: options.planReviewWindowMs ?? DEFAULT_PLAN_REVIEW_WINDOW_MS,
        ...(options.stagnationSessions ? { stagnationSessions: options.stagnationSessions } : {}),
        ...(options.now ? { now: options.now } : {}),
        publish: (alert) =>
          context.bus.publish(riskAlertTopic, { key: `${alert.tenantId}:${alert.subjectRef}`, value: alert }),
      }),
  });
  return {
    ...app,
    stop: async () => {
      try {
        await app.stop();
      } finally {
        await options.close?.();
      }
    },
  };
}
