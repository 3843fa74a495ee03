// What the integration tests' global setup hands to tests through inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    schemaRegistryUrl: string;
    databaseUrl: string;
    redisUrl: string;
  }
}
