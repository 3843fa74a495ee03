import type { DeadLetter, Handler, RetryPolicy, Subscription } from '@carerelay/bus';
import type { TopicContract } from '@carerelay/events';
import type { ServiceApp, ServiceContext } from './service.js';

export interface ConsumerAppOptions<T> {
  readonly name: string;
  readonly consumes: TopicContract<T>;
  readonly produces: readonly TopicContract<unknown>[];
  readonly handler: Handler<T>;
  readonly retry: Partial<RetryPolicy>;
  readonly onDeadLetter?: (letter: DeadLetter) => Promise<void>;
  /** Consumer group (default: the service name). */
  readonly groupId?: string;
  /** Where a new group starts (default: earliest, so nothing published before the first start is lost). */
  readonly fromBeginning?: boolean;
  /** Called when stopping begins, before the subscription finishes its record in flight. */
  readonly onStopping?: () => void;
  /** Releases what the composition root opened (e.g. a Redis connection), after consuming stopped. */
  readonly close?: () => Promise<void>;
  readonly details?: Readonly<Record<string, string>>;
}

/**
 * A consumer's policy under the deployment's budget: retryable failures are retried for
 * BUS_RETRY_MAX_ELAPSED_MS (however few attempts the service asked for), each wait capped at
 * BUS_RETRY_MAX_DELAY_MS. Without a deployment budget the service's attempts alone bound it.
 */
export function retryPolicy(
  own: Partial<RetryPolicy>,
  deployment: Required<Pick<RetryPolicy, 'maxElapsedMs' | 'maxDelayMs'>> | undefined,
): Partial<RetryPolicy> {
  if (!deployment) return { maxElapsedMs: 0, ...own };
  return {
    ...own,
    maxElapsedMs: deployment.maxElapsedMs,
    maxDelayMs: Math.min(own.maxDelayMs ?? deployment.maxDelayMs, deployment.maxDelayMs),
  };
}

/** A service that consumes one topic with one handler: the shape most CareRelay services have. */
export function createConsumerApp<T>(context: ServiceContext, options: ConsumerAppOptions<T>): ServiceApp {
  let subscription: Subscription | undefined;
  return {
    name: options.name,
    consumes: [options.consumes],
    produces: options.produces,
    start: async () => {
      subscription = await context.bus.subscribe<T>({
        topic: options.consumes,
        groupId: options.groupId ?? options.name,
        fromBeginning: options.fromBeginning ?? true,
        concurrency: context.concurrency,
        retry: retryPolicy(options.retry, context.retry),
        handler: options.handler,
        ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
      });
    },
    stop: async () => {
      options.onStopping?.();
      await subscription?.stop();
      subscription = undefined;
      await options.close?.();
    },
    health: () => ({
      healthy: true,
      ready: subscription !== undefined,
      details: { [options.name]: subscription ? 'consuming' : 'stopped', ...options.details },
    }),
  };
}
