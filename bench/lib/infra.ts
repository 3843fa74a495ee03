import { ensureTopics } from '@carerelay/bus';
import { TOPIC_DECLARATIONS } from '@carerelay/events';

export interface BenchInfra {
  readonly brokers: string[];
  readonly registryUrl: string;
  stop(): Promise<void>;
}

/** Real Kafka and registry (from KAFKA_BROKERS/SCHEMA_REGISTRY_URL, else started locally), with the event topics declared. */
export async function benchInfra(): Promise<BenchInfra> {
  const infra = await startOrUse();
  await ensureTopics(infra.brokers, TOPIC_DECLARATIONS);
  return infra;
}

async function startOrUse(): Promise<BenchInfra> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = process.env;
  if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL) {
    return { brokers: KAFKA_BROKERS.split(','), registryUrl: SCHEMA_REGISTRY_URL, stop: async () => {} };
  }
  const local = await import('@carerelay/infra-local');
  const infra = await local.startLocalInfra();
  return {
    brokers: infra.kafkaBrokers.split(','),
    registryUrl: infra.schemaRegistryUrl,
    stop: () => infra.stop(),
  };
}

export async function benchTopic(brokers: string[], prefix: string, partitions: number): Promise<string> {
  const name = `${prefix}.${Date.now().toString(36)}`;
  await ensureTopics(brokers, [{ name, partitions, retentionMs: 3_600_000, cleanupPolicy: 'delete' }]);
  return name;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
