import { KafkaBus, ensureTopics } from '@carerelay/bus';
import { ConfigError, loadConfig, type ConfigOf, type ConfigSchema } from '@carerelay/config';
import { AvroSerde, RegistrySchemaStore, TOPIC_DECLARATIONS } from '@carerelay/events';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import { createLogger, type Logger } from '@carerelay/logger';
import { auditConfigApplied, configAuditTenant } from './config-audit.js';
import { ServiceMetrics, startOpsServer } from './ops-server.js';
import { Readiness } from './readiness.js';
import type { ServiceApp, ServiceContext } from './service.js';
import { kafkaSettingsFromConfig } from './kafka-config.js';
import {
  assertProductionTransport,
  serviceTransportSettings,
  type ServiceTransports,
} from './production-profile.js';
import { commonConfigSchema } from './service-config.js';

export interface RunServiceOptions<S extends ConfigSchema> {
  readonly name: string;
  /** Service-specific variables, validated together with the common ones. */
  readonly configSchema: S;
  /**
   * Which of the service's variables are FHIR/JWKS/model endpoints, Redis or Postgres URLs
   * (production-profile.ts); required so a service cannot forget to declare them.
   */
  readonly transports: ServiceTransports<S>;
  readonly createApp: (context: ServiceContext, config: ConfigOf<S>) => ServiceApp;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningService {
  readonly opsUrl: string;
  /** Graceful stop: in-flight work finishes and commits, then connections close. */
  stop(): Promise<void>;
}

/**
 * The distributed composition root shared by every service's main.ts:
 * config (fail fast; production refuses plaintext transports), logger, bus on Kafka +
 * registry, topics, the configuration audited (CONFIG_CHANGE), ops server, SIGTERM/SIGINT
 * handling.
 *
 * Any failure before the app has started (an unaudited configuration included)
 * rejects, after the bus is shut down; runServiceMain then exits 1.
 */
export async function runService<S extends ConfigSchema>(
  options: RunServiceOptions<S>,
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const { config, own } = loadServiceConfig(options.configSchema, env);
  // Before any connection: production refuses plaintext transports (every one named at once).
  assertProductionTransport(
    config.CARERELAY_PROFILE,
    serviceTransportSettings(options.transports, config, own, env),
  );
  const logger = createLogger({ service: options.name, level: config.LOG_LEVEL });
  const metrics = new ServiceMetrics(options.name);
  const kafka = kafkaSettingsFromConfig(config);
  const serde = new AvroSerde(new RegistrySchemaStore(config.SCHEMA_REGISTRY_URL));
  const bus = KafkaBus.fromConfig({
    ...kafka.connection,
    clientId: `carerelay-${options.name}`,
    serde,
    logger,
    observer: metrics,
  });
  await ensureTopics(kafka.connection, TOPIC_DECLARATIONS, kafka.topics);
  await bus.start();
  const readiness = new Readiness({ cacheMs: config.READY_CACHE_MS });
  readiness.register({
    name: 'kafka',
    check: () => {
      const health = bus.health();
      if (health.ready) return Promise.resolve();
      const code = health.healthy ? 'KAFKA_NOT_READY' : 'KAFKA_CONSUMER_CRASHED';
      return Promise.reject(new CareRelayError(code, 'the bus is not ready', { retryable: true }));
    },
  });
  const startApp = async (): Promise<{ app: ServiceApp; configDigest: string }> => {
    const app = options.createApp(
      {
        bus,
        logger,
        concurrency: config.CONSUMER_CONCURRENCY,
        retry: { maxElapsedMs: config.BUS_RETRY_MAX_ELAPSED_MS, maxDelayMs: config.BUS_RETRY_MAX_DELAY_MS },
        readiness,
        redisCommandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
      },
      own,
    );
    await Promise.all(app.produces.map((topic) => serde.register(topic)));
    // Fail closed: a service whose configuration is not in the audit trail does not start.
    const { digest } = await auditConfigApplied(bus, {
      service: options.name,
      tenantId: configAuditTenant(own, config),
      schema: { ...commonConfigSchema, ...options.configSchema },
      config: { ...config, ...own },
    });
    await app.start();
    return { app, configDigest: digest };
  };
  const { app, configDigest } = await startApp().catch(async (err: unknown) => {
    await bus.shutdown().catch(() => undefined);
    throw err;
  });
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    logger,
    metrics,
    sources: [bus, app],
    readiness,
  });
  logger.info({ opsUrl: ops.url, configDigest }, 'service started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down');
      await app.stop();
      await bus.shutdown();
      await ops.server.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { opsUrl: ops.url, stop };
}

/** Loads the common and the service's own variables, reporting every problem of both at once. */
function loadServiceConfig<S extends ConfigSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): { config: ConfigOf<typeof commonConfigSchema>; own: ConfigOf<S> } {
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(commonConfigSchema, env));
  const own = attempt(() => loadConfig(schema, env));
  if (!config || !own) throw new ConfigError(problems);
  return { config, own };
}

/** For main.ts: run, exit non-zero on a start-up failure, stop gracefully on signals. */
export function runServiceMain<S extends ConfigSchema>(options: RunServiceOptions<S>): void {
  const fallback: Logger = createLogger({ service: options.name });
  runService(options).then(
    (running) => {
      let timeoutMs = 25_000;
      const parsed = Number(process.env.SHUTDOWN_TIMEOUT_MS);
      if (Number.isFinite(parsed) && parsed > 0) timeoutMs = parsed;
      const onSignal = (signal: NodeJS.Signals): void => {
        fallback.info({ signal }, 'signal received');
        const timer = setTimeout(() => {
          fallback.error({ timeoutMs }, 'graceful shutdown timed out');
          process.exit(1);
        }, timeoutMs);
        timer.unref();
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            fallback.error({ errorCode: toCareRelayError(err).code }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
    (err: unknown) => {
      // ConfigError's message lists every bad variable; print it plainly for the operator.
      const error = err as Error & { code?: string };
      fallback.fatal({ errorCode: error.code ?? 'STARTUP_FAILED' }, error.message);
      process.exit(1);
    },
  );
}
