import type { TestProject } from 'vitest/node';
import { ensureTopics } from '@carerelay/bus';
import { TOPIC_DECLARATIONS } from '@carerelay/events';
import { startContainers } from './containers.js';

interface Infra {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  stop: () => Promise<void>;
}

/**
 * Real infrastructure for the integration tests (INFRA.md), chosen in order:
 * 1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL already set → use them;
 * 2. else start Kafka (KRaft) and Apicurio from Maven Central jars (Maven; Java 17 for Kafka,
 *    Java 21+ for Apicurio 3.3, found under /usr/lib/jvm by infra/local);
 * 3. else testcontainers, when a Docker engine answers.
 * Postgres and Redis run on the machine: DATABASE_URL / REDIS_URL or their defaults.
 */
async function startInfra(): Promise<Infra> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = process.env;
  if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL) {
    return { kafkaBrokers: KAFKA_BROKERS, schemaRegistryUrl: SCHEMA_REGISTRY_URL, stop: async () => {} };
  }
  let localError: unknown;
  try {
    const local = await import('@carerelay/infra-local');
    return await local.startLocalInfra();
  } catch (err) {
    localError = err;
  }
  const containers = await startContainers();
  if (containers) return containers;
  throw new Error(
    `No Kafka/registry: local start failed (${(localError as Error).message}) and no Docker engine answers`,
  );
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const began = Date.now();
  const infra = await startInfra();
  await ensureTopics(infra.kafkaBrokers.split(','), TOPIC_DECLARATIONS);
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  project.provide('schemaRegistryUrl', infra.schemaRegistryUrl);
  project.provide('databaseUrl', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  project.provide('redisUrl', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  console.log(
    `[infra] kafka=${infra.kafkaBrokers} registry=${infra.schemaRegistryUrl} ready in ${Date.now() - began} ms`,
  );
  return () => infra.stop();
}
