import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusHealth, BusObserver } from '@carerelay/bus';
import type { Logger } from '@carerelay/logger';
import type { Readiness } from './readiness.js';

export interface HealthSource {
  health(): BusHealth;
}

/** Prometheus metrics of one process, with the bus's per-record observer. */
export class ServiceMetrics implements BusObserver {
  readonly registry = new Registry();
  private readonly records: Counter<'topic' | 'group' | 'outcome'>;
  private readonly duration: Histogram<'topic' | 'group'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.records = new Counter({
      name: 'carerelay_bus_records_total',
      help: 'Records consumed, by outcome (handled, dead-lettered, aborted)',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'carerelay_bus_record_duration_seconds',
      help: 'Time to handle one record, retries included',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
  }

  recordProcessed(topic: string, group: string, outcome: string, durationMs: number): void {
    this.records.inc({ topic, group, outcome });
    this.duration.observe({ topic, group }, durationMs / 1000);
  }
}

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly sources: readonly HealthSource[];
  /** The service's dependencies, each reported by name under `dependencies` in `/ready`. */
  readonly readiness?: Readiness;
}

/**
 * `/health` (liveness: restart me if false), `/ready` (readiness: send me work; 503 while a
 * source is not ready or a required dependency is down, each dependency named with its
 * status and last error code),
 * `/metrics` (Prometheus). Bound to the configured host, 127.0.0.1 by default.
 */
export async function startOpsServer(
  options: OpsServerOptions,
): Promise<{ url: string; server: FastifyInstance }> {
  const server = Fastify({ logger: false });
  const combined = (): BusHealth => {
    const parts = options.sources.map((s) => s.health());
    return {
      healthy: parts.every((p) => p.healthy),
      ready: parts.every((p) => p.ready),
      details: Object.assign({}, ...parts.map((p) => p.details)) as Record<string, string>,
    };
  };
  server.get('/health', async (_req, reply) => {
    const h = combined();
    return reply
      .code(h.healthy ? 200 : 503)
      .send({ status: h.healthy ? 'ok' : 'unhealthy', details: h.details });
  });
  server.get('/ready', async (_req, reply) => {
    const h = combined();
    const deps = options.readiness ? await options.readiness.report() : { ready: true, dependencies: {} };
    const ready = h.ready && deps.ready;
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', details: h.details, dependencies: deps.dependencies });
  });
  server.get('/metrics', async (_req, reply) => {
    return reply
      .header('content-type', options.metrics.registry.contentType)
      .send(await options.metrics.registry.metrics());
  });
  const url = await server.listen({ host: options.host, port: options.port });
  options.logger.info({ url }, 'ops server listening');
  return { url, server };
}
