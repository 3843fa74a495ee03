import type { Bus, BusHealth, RetryPolicy } from '@carerelay/bus';
import type { TopicContract } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import type { Readiness } from './readiness.js';

/** What a service needs from its composition root. */
export interface ServiceContext {
  readonly bus: Bus;
  readonly logger: Logger;
  /** Partitions each subscription processes in parallel. */
  readonly concurrency: number;
  /**
   * The deployment's retry budget (BUS_RETRY_*): applied over each consumer's own policy.
   * Absent (tests that build a context by hand), a consumer's policy is its attempts alone.
   */
  readonly retry?: Required<Pick<RetryPolicy, 'maxElapsedMs' | 'maxDelayMs'>>;
  /** Where the service registers the dependencies `/ready` checks (Redis, Postgres, EHR, model). */
  readonly readiness?: Readiness;
  /** REDIS_COMMAND_TIMEOUT_MS, for connectRedis. */
  readonly redisCommandTimeoutMs?: number;
}

/**
 * A service's application: built by its `create…App(context)` factory, started
 * and stopped by the runtime (distributed `main.ts`, or the embedded runner).
 */
export interface ServiceApp {
  readonly name: string;
  /** Topics it publishes: their schemas are registered at start, so an incompatible deploy fails fast. */
  readonly produces: readonly TopicContract<unknown>[];
  /** Topics it consumes. */
  readonly consumes: readonly TopicContract<unknown>[];
  start(): Promise<void>;
  /** Stops consuming (finishing in-flight work); the bus is shut down by the runtime. */
  stop(): Promise<void>;
  health(): BusHealth;
}

/**
 * A service whose handlers are not built yet: it connects, registers its
 * schemas, reports ready, and consumes nothing, so no record is committed
 * (and lost) before its real handler exists.
 */
export function createPendingServiceApp(
  name: string,
  topics: { consumes: readonly TopicContract<unknown>[]; produces: readonly TopicContract<unknown>[] },
  context: ServiceContext,
): ServiceApp {
  let started = false;
  return {
    name,
    ...topics,
    start: () => {
      started = true;
      context.logger.info(
        { consumes: topics.consumes.map((t) => t.name), produces: topics.produces.map((t) => t.name) },
        'started without handlers (not implemented yet); nothing is consumed',
      );
      return Promise.resolve();
    },
    stop: () => {
      started = false;
      return Promise.resolve();
    },
    health: () => ({ healthy: true, ready: started, details: { [name]: started ? 'started' : 'stopped' } }),
  };
}
