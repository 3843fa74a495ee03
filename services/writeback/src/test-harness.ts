// Test support shared by writeback's test files (excluded from the build).
import { EmbeddedBus, type RawRecord } from '@carerelay/bus';
import { collectRaw } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import {
  AvroSerde,
  InMemorySchemaStore,
  auditEventTopic,
  dlqTopicName,
  ehrWritebackTopic,
  type AuditEvent,
  type EhrWriteback,
  type TopicContract,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { InMemoryTokenVault } from '@carerelay/phi';
import { createWritebackApp, type WritebackOptions } from './app.js';

export const serde = new AvroSerde(new InMemorySchemaStore());
export const logger = createLogger({ service: 'test', level: 'silent' });

export interface WritebackHarness<T> {
  readonly bus: EmbeddedBus;
  readonly vault: InMemoryTokenVault;
  readonly outcomes: RawRecord[];
  readonly audits: RawRecord[];
  /** The DLQ of `topic`. */
  readonly dlq: RawRecord[];
  publish(value: T): Promise<void>;
  outcomeEvents(): Promise<EhrWriteback[]>;
  auditEvents(): Promise<AuditEvent[]>;
}

/**
 * writeback on an embedded bus against `fhir` (the sandbox EHR, or a wrapper that fails),
 * collecting its outcomes, audits and the DLQ of the topic under test. Stop with `bus.shutdown()`.
 */
export async function startWriteback<T>(
  topic: TopicContract<T>,
  options: { readonly fhir: WritebackOptions['fhir']; readonly ehrEndpoint: string },
): Promise<WritebackHarness<T>> {
  const bus = EmbeddedBus.fromConfig({ serde, logger });
  await bus.start();
  const outcomes = await collectRaw(bus, ehrWritebackTopic.name);
  const audits = await collectRaw(bus, auditEventTopic.name);
  const dlq = await collectRaw(bus, dlqTopicName(topic.name));
  const vault = new InMemoryTokenVault(LocalKeyProvider.ephemeral());
  const app = createWritebackApp(
    { bus, logger, concurrency: 1 },
    { vault, fhir: options.fhir, ehrEndpoint: options.ehrEndpoint, maxAttempts: 3, retryInitialMs: 5 },
  );
  await app.start();
  return {
    bus,
    vault,
    outcomes: outcomes.records,
    audits: audits.records,
    dlq: dlq.records,
    publish: (value) => bus.publish(topic, { key: 't1:pseudo-1', value }),
    outcomeEvents: () => Promise.all(outcomes.records.map((r) => serde.decode(ehrWritebackTopic, r.value!))),
    auditEvents: () => Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!))),
  };
}
