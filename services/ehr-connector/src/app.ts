import { AuditTrail, deadLetterFacts } from '@carerelay/audit';
import type { KeyProvider } from '@carerelay/crypto';
import type { AlertAcknowledgement, EhrAdapter, SignedNote } from '@carerelay/ehr';
import {
  aiTaskTopic,
  auditEventTopic,
  ehrChangeTopic,
  reviewOutcomeTopic,
  USE_CASE_VALUES,
  type EhrChange,
  type UseCase,
} from '@carerelay/events';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { useCaseForChange, type NoteFormat, type RolloutConfig } from '@carerelay/policy';
import { planChange, taskIdForChange } from './handlers/plan-change.js';
import { InMemoryBreakGlassStore, type BreakGlassStore } from './policy/break-glass.js';
import { ConsentCache } from './policy/consent-cache.js';
import { RolloutSource } from './policy/rollout-source.js';
import type { TaskPolicyDeps } from './policy/task-policy.js';
import type { FhirChangePoller } from './ingress/change-poller.js';
import { startIngress, type IngressOptions, type RunningIngress } from './ingress/http-ingress.js';
import { InMemoryTaskClaims, type TaskClaims } from './task-claims.js';
import { createTaskStatusProjection } from './task-status/project-audit.js';
import { InMemoryTaskStatusStore, type TaskStatusStore } from './task-status/task-status-store.js';

export const SERVICE_NAME = 'ehr-connector';

/** The task a dead-lettered change was planning, when it named or triggered a use case. */
function plannedTaskId(value: unknown, noteFormat: NoteFormat): string | null {
  const change = value as EhrChange | undefined;
  if (!change?.tenantId || !change.clientId) return null;
  const requested = change.requestedUseCase;
  const useCase =
    requested && (USE_CASE_VALUES as readonly string[]).includes(requested)
      ? (requested as UseCase)
      : useCaseForChange(change.changeType, noteFormat);
  return useCase ? taskIdForChange(change, useCase) : null;
}

export interface EhrConnectorOptions {
  readonly adapter: EhrAdapter;
  readonly keys: KeyProvider;
  readonly noteFormat: NoteFormat;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  readonly close?: () => Promise<void>;
  /**
   * Once per task across every ingress and every edit (RedisTaskClaims in distributed mode,
   * shared by the replicas). Default: in memory, for one process (embedded mode, tests).
   */
  readonly claims?: TaskClaims;
  /**
   * Polling ingress (EHRs without webhooks or subscriptions): the next pass starts
   * `intervalMs` after the previous one finished, so passes never overlap.
   */
  readonly polling?: { readonly poller: FhirChangePoller; readonly intervalMs: number };
  /** HTTP ingress (signed webhooks, on-demand `POST /v1/tasks`) for this tenant. */
  /** Reads a signed note and its draft (review capture on NOTE_SIGNED). */
  readonly signedNote?: (documentId: string) => Promise<SignedNote | undefined>;
  /**
   * Reads a completed alert-review Task (ALERT_ACKNOWLEDGED audit on TASK_COMPLETED),
   * e.g. `(id, version) => readAlertAcknowledgement(fhir, id, version)`.
   */
  readonly alertAcknowledgement?: (
    taskResourceId: string,
    versionId: string | null,
  ) => Promise<AlertAcknowledgement | undefined>;
  readonly ingress?: Pick<IngressOptions, 'host' | 'port' | 'tenantId' | 'webhook' | 'tasks'>;
  /** Policy inputs beyond the catalogue (defaults: phase-2 rollout, no AI consent required). */
  readonly policy?: ConnectorPolicyOptions;
  /** The practice this connector serves (default: the ingress's tenant). */
  readonly tenantId?: string;
  /**
   * Task statuses, projected from audit.event.v1 and answered on `GET /v1/tasks/:taskId`
   * (RedisTaskStatusStore in distributed mode). Default: in memory, for one process.
   */
  readonly taskStatus?: TaskStatusStore;
}

export interface ConnectorPolicyOptions {
  /** Rollout switches: a reloading file source (distributed mode) or fixed switches. */
  readonly rollout?: RolloutSource | RolloutConfig;
  /** Whether the practice requires the client's consent to AI-assisted processing (default false). */
  readonly aiConsentRequired?: boolean;
  /** References a consent may name as recipient for this practice (empty: not checked). */
  readonly consentRecipients?: readonly string[];
  /** How long a client's Consents are cached (default 60 s; a Consent change drops them at once). */
  readonly consentCacheTtlMs?: number;
  /** Break-glass grants (Redis in distributed mode; default in memory). */
  readonly breakGlass?: BreakGlassStore;
  /** How long a break-glass grant lasts (default 1 h). */
  readonly breakGlassTtlSeconds?: number;
}

/** The ingress URL once started (tests and the embedded default read it). */
export interface EhrConnectorApp extends ServiceApp {
  ingressUrl(): string | undefined;
}

/** The task planner: ehr.change.v1 → access check → minimum-necessary context → ai.task.v1. */
export function createEhrConnectorApp(
  context: ServiceContext,
  options: EhrConnectorOptions,
): EhrConnectorApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  const claims = options.claims ?? new InMemoryTaskClaims();
  const tenantId = options.tenantId ?? options.ingress?.tenantId ?? 'default';
  const rollout =
    options.policy?.rollout instanceof RolloutSource
      ? options.policy.rollout
      : RolloutSource.fixed(options.policy?.rollout ?? {}, audit, tenantId, logger);
  const policy: TaskPolicyDeps = {
    adapter: options.adapter,
    rollout,
    consents: new ConsentCache(
      (clientId) => options.adapter.readConsents(clientId),
      options.policy?.consentCacheTtlMs ?? 60_000,
    ),
    breakGlass: options.policy?.breakGlass ?? new InMemoryBreakGlassStore(),
    aiConsentRequired: options.policy?.aiConsentRequired ?? false,
    consentRecipients: options.policy?.consentRecipients ?? [],
  };
  const app = createConsumerApp(context, {
    name: SERVICE_NAME,
    consumes: ehrChangeTopic,
    produces: [ehrChangeTopic, aiTaskTopic, reviewOutcomeTopic, auditEventTopic],
    groupId: options.groupId,
    fromBeginning: options.fromBeginning,
    close: options.close,
    retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
    // A change carries no task id: the one it was planning is derived, so its status shows
    // the dead letter (GET /v1/tasks/{id}) instead of staying queued.
    onDeadLetter: (letter) =>
      audit.record({ ...deadLetterFacts(letter), taskId: plannedTaskId(letter.value, options.noteFormat) }),
    handler: (delivery) =>
      planChange(delivery, {
        adapter: options.adapter,
        policy,
        keys: options.keys,
        claims,
        audit,
        logger,
        noteFormat: options.noteFormat,
        ...(options.signedNote
          ? {
              review: {
                signedNote: options.signedNote,
                publishReview: (review) =>
                  context.bus.publish(reviewOutcomeTopic, {
                    key: `${review.tenantId}:${review.clientId}`,
                    value: review,
                  }),
              },
            }
          : {}),
        ...(options.alertAcknowledgement
          ? {
              acknowledgement: {
                readAcknowledgement: options.alertAcknowledgement,
                audit,
              },
            }
          : {}),
        publishTask: (task) =>
          context.bus.publish(aiTaskTopic, { key: `${task.tenantId}:${task.clientId}`, value: task }),
      }),
  });
  // Task status: its own consumer group on the audit stream, read by the ingress.
  const taskStatus = options.taskStatus ?? new InMemoryTaskStatusStore();
  const statusProjection = createTaskStatusProjection(context, {
    store: taskStatus,
    groupId: `${options.groupId ?? SERVICE_NAME}.task-status`,
    fromBeginning: options.fromBeginning,
    retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
    audit,
  });
  const publishChange = (change: EhrChange): Promise<void> =>
    context.bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change });
  let ingress: RunningIngress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let polling: Promise<void> = Promise.resolve();
  const pollThenReschedule = (poller: FhirChangePoller, intervalMs: number): void => {
    timer = undefined;
    polling = poller
      .pollOnce()
      .then(
        () => undefined,
        (err: unknown) => {
          // The EHR being down is not a crash: the cursor did not move, the next pass retries.
          logger.warn({ errorCode: (err as { code?: string }).code ?? 'POLL_FAILED' }, 'poll failed');
        },
      )
      .then(() => {
        // Rescheduled only once this pass has finished: a slow EHR delays passes, never stacks them.
        if (!stopping) timer = setTimeout(() => pollThenReschedule(poller, intervalMs), intervalMs);
      });
  };
  return {
    ...app,
    consumes: [...app.consumes, ...statusProjection.consumes],
    ingressUrl: () => ingress?.url,
    start: async () => {
      await app.start();
      await rollout.start();
      await statusProjection.start();
      if (options.ingress) {
        ingress = await startIngress({
          ...options.ingress,
          logger,
          audit,
          publishChange,
          policy: { ...policy, breakGlassTtlSeconds: options.policy?.breakGlassTtlSeconds },
          taskStatus,
        });
      }
      if (options.polling) {
        stopping = false;
        pollThenReschedule(options.polling.poller, options.polling.intervalMs);
      }
    },
    stop: async () => {
      // Stop taking new work first, then finish what is in flight.
      stopping = true;
      rollout.stop();
      await ingress?.close();
      clearTimeout(timer);
      await polling;
      await statusProjection.stop();
      await app.stop();
    },
    health: () => {
      const own = app.health();
      const status = statusProjection.health();
      return {
        healthy: own.healthy && status.healthy,
        ready: own.ready && status.ready,
        details: { ...own.details, ...status.details },
      };
    },
  };
}
