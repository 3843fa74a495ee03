import { loadConfig, type ConfigSchema } from '@carerelay/config';
import { commonConfigSchema } from './service-config.js';
import { serviceTransportSettings, transportViolations, type ServiceTransports } from './production-profile.js';
import { runService } from './run-service.js';

/** A credential the production-profile tests put in URLs: it must never appear in an error. */
export const TEST_PASSWORD = 'Pr0d-Pa55word-never-in-errors';

/** Production with authenticated TLS to Kafka (nothing listens on port 1): only a service's own endpoints vary. */
export const PRODUCTION_KAFKA_ENV: Readonly<Record<string, string>> = {
  CARERELAY_PROFILE: 'production',
  KAFKA_BROKERS: '127.0.0.1:1',
  KAFKA_SSL: 'true',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: TEST_PASSWORD,
  SCHEMA_REGISTRY_URL: 'https://registry.internal',
};

/**
 * One service's production-profile checks, driven as its `main.ts` drives them: the names of
 * the settings refused for an environment, and the error `runService` fails with at start
 * (before it creates the app, i.e. before connecting to anything).
 */
export function productionProfileOf<S extends ConfigSchema>(
  name: string,
  configSchema: S,
  transports: ServiceTransports<S>,
): {
  readonly refused: (env: Record<string, string>) => string[];
  readonly startError: (env: Record<string, string>) => Promise<(Error & { code?: string }) | undefined>;
} {
  return {
    refused: (env) => {
      const common = loadConfig(commonConfigSchema, env);
      const own = loadConfig(configSchema, env);
      return transportViolations(
        common.CARERELAY_PROFILE,
        serviceTransportSettings(transports, common, own, env),
      ).map((v) => v.name);
    },
    startError: (env) =>
      runService({
        name,
        configSchema,
        transports,
        createApp: () => {
          throw new Error('createApp must not be reached');
        },
        env,
      }).then(
        () => undefined,
        (err: unknown) => err as Error & { code?: string },
      ),
  };
}
