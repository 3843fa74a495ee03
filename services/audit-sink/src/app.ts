import type { Delivery, RetryPolicy, Subscription } from '@carerelay/bus';
import { toCareRelayError } from '@carerelay/errors';
import {
  auditEventTopic,
  reviewOutcomeTopic,
  type AuditEvent,
  type ReviewOutcome,
  type TopicContract,
} from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import type { AuditStore } from './store/audit-store.js';

export const SERVICE_NAME = 'audit-sink';

export interface AuditSinkOptions {
  /** The store as the writer role. */
  readonly store: Pick<AuditStore, 'appendEvents' | 'appendReviewOutcomes' | 'prepare' | 'ping'>;
  /** Brings the schema up to date (migrations, as the owner) before anything is consumed. */
  readonly migrate: () => Promise<void>;
  /** Retention, at start and then every `maintenanceIntervalMs` (as the owner). */
  readonly maintain?: () => Promise<void>;
  readonly maintenanceIntervalMs?: number;
  /** Most records per transaction. */
  readonly batchSize?: number;
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  /** Where audit events are read (default audit.event.v1; a bench reads a topic of its own). */
  readonly eventsTopic?: TopicContract<AuditEvent>;
  /** Backoff while the store is down (it is retried without limit). */
  readonly retry?: Partial<Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>>;
  readonly pingIntervalMs?: number;
  readonly close?: () => Promise<void>;
}

type Phase = 'stopped' | 'starting' | 'consuming' | 'failed';

/**
 * audit-sink: audit.event.v1 → the per-tenant hash chains, review.outcome.v1 → review
 * outcomes, one transaction per batch. Fails closed: while Postgres is down nothing is
 * committed on the bus (retried with backoff, without limit) and readiness is false; only
 * a record the store itself rejects (its own fault) is dead-lettered, alone.
 * Without options (the embedded default has no audit store yet) nothing is consumed.
 */
export function createAuditSinkApp(context: ServiceContext, options?: AuditSinkOptions): ServiceApp {
  if (!options) {
    return createPendingServiceApp(
      SERVICE_NAME,
      { consumes: [auditEventTopic, reviewOutcomeTopic], produces: [] },
      context,
    );
  }
  const logger = context.logger.child({ component: SERVICE_NAME });
  const { store } = options;
  // Store faults are retried for ever (fail closed); record faults are not retryable and split the batch.
  const retry: RetryPolicy = {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    initialDelayMs: options.retry?.initialDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 5_000,
  };
  let phase: Phase = 'stopped';
  let storeState = 'unknown';
  const subscriptions: Subscription[] = [];
  const timers: NodeJS.Timeout[] = [];
  let bringingUp: Promise<void> = Promise.resolve();

  /** Runs a store operation, recording whether the store answered. */
  async function tracked<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      storeState = 'reachable';
      return result;
    } catch (err) {
      const error = toCareRelayError(err);
      if (error.retryable) storeState = `unreachable (${error.code})`;
      throw err;
    }
  }

  const groupId = options.groupId ?? SERVICE_NAME;
  const common = {
    fromBeginning: options.fromBeginning ?? true,
    concurrency: context.concurrency,
    maxBatchSize: options.batchSize ?? 2_000,
    retry,
  };

  const subscribe = async (): Promise<void> => {
    try {
      subscriptions.push(
        await context.bus.subscribeBatch<AuditEvent>({
          ...common,
          topic: options.eventsTopic ?? auditEventTopic,
          groupId,
          onDeadLetter: (letter) => {
            const event = letter.value as AuditEvent | undefined;
            logger.error(
              { tenantId: event?.tenantId, eventId: event?.eventId, errorCode: letter.errorCode },
              'audit event dead-lettered: it is NOT in the audit store',
            );
            return Promise.resolve();
          },
          handler: async (batch: readonly Delivery<AuditEvent>[]) => {
            const result = await tracked(() => store.appendEvents(batch.map((d) => d.value)));
            logger.debug({ ...result, partition: batch[0]?.partition }, 'audit events stored');
          },
        }),
      );
      // A group of its own: kafkajs assigns every topic of a group to every member, whatever it subscribed to.
      subscriptions.push(
        await context.bus.subscribeBatch<ReviewOutcome>({
          ...common,
          topic: reviewOutcomeTopic,
          groupId: `${groupId}.review-outcomes`,
          handler: async (batch) => {
            await tracked(() => store.appendReviewOutcomes(batch.map((d) => d.value)));
          },
        }),
      );
    } catch (err) {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      throw err;
    }
  };

  const maintain = async (): Promise<void> => {
    await tracked(() => store.prepare());
    await options.maintain?.();
  };

  /** Migrate, prepare partitions, apply retention, then consume. */
  const bringUp = async (): Promise<void> => {
    storeState = 'migrating';
    await tracked(() => options.migrate());
    await maintain();
    if (phase !== 'starting') return; // stopped meanwhile
    await subscribe();
    phase = 'consuming';
    logger.info({ groupId }, 'audit store ready, consuming');
  };

  /** Retries a bring-up the store interrupted, until it works or the app stops. */
  const keepBringingUp = async (): Promise<void> => {
    for (let attempt = 1; phase === 'starting'; attempt++) {
      const delay = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(attempt, 20));
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (phase !== 'starting') return;
      try {
        await bringUp();
      } catch (err) {
        const error = toCareRelayError(err);
        if (!error.retryable) {
          phase = 'failed';
          logger.fatal({ errorCode: error.code }, error.message);
          return;
        }
        logger.warn({ errorCode: error.code, attempt }, 'audit store not ready, will retry');
      }
    }
  };

  return {
    name: SERVICE_NAME,
    consumes: [auditEventTopic, reviewOutcomeTopic],
    produces: [],
    start: async () => {
      phase = 'starting';
      try {
        await bringUp();
      } catch (err) {
        const error = toCareRelayError(err);
        // A schema that cannot be migrated (e.g. a changed migration) fails the start: fix, redeploy.
        if (!error.retryable) throw err;
        logger.warn({ errorCode: error.code }, 'audit store unavailable at start: not ready, retrying');
        bringingUp = keepBringingUp();
      }
      const ping = setInterval(() => {
        tracked(() => store.ping()).catch(() => undefined);
      }, options.pingIntervalMs ?? 5_000);
      const daily = setInterval(
        () => {
          maintain().catch((err: unknown) =>
            logger.warn({ errorCode: toCareRelayError(err).code }, 'audit store maintenance failed'),
          );
        },
        options.maintenanceIntervalMs ?? 24 * 3_600_000,
      );
      for (const t of [ping, daily]) t.unref();
      timers.push(ping, daily);
    },
    stop: async () => {
      phase = 'stopped';
      timers.splice(0).forEach(clearInterval);
      await bringingUp;
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      phase = 'stopped';
      await options.close?.();
    },
    health: () => ({
      // A store outage is not cured by restarting the sink: it stays alive, not ready.
      healthy: phase !== 'failed',
      ready: phase === 'consuming' && storeState === 'reachable',
      details: { [SERVICE_NAME]: phase, auditStore: storeState },
    }),
  };
}
