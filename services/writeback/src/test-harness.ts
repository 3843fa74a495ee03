// Test support shared by writeback's test files (excluded from the build).
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A master key the tests know, so expected pseudonyms are computed here, not by the code under test. */
const MASTER = Buffer.from('5f0d2c9a7be14e3386a1c04f9d7e2b6aa3c85e1f07d94b2e6c1a8f3d5e7b9012', 'hex');

/** The key provider writeback runs with in tests: a key file holding MASTER. */
export function testKeys(): LocalKeyProvider {
  const file = join(mkdtempSync(join(tmpdir(), 'writeback-keys-')), 'keys.json');
  const keys = [{ id: 'k1', secret: MASTER.toString('base64'), createdAt: '2026-01-01T00:00:00.000Z' }];
  writeFileSync(file, JSON.stringify({ version: 1, active: 'k1', keys }), { mode: 0o600 });
  return LocalKeyProvider.fromFile(file);
}

/**
 * The deidentifier's pseudonym of a client, written out independently: HMAC-SHA256 (base64url)
 * of the client id under HKDF-SHA256(MASTER, salt = tenant, info = carerelay/pseudonym/v1).
 */
export function expectedSubjectRef(tenantId: string, clientId: string): string {
  const key = Buffer.from(hkdfSync('sha256', MASTER, Buffer.from(tenantId), 'carerelay/pseudonym/v1', 32));
  return createHmac('sha256', key).update(clientId, 'utf8').digest('base64url');
}

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
    {
      vault,
      keys: testKeys(),
      fhir: options.fhir,
      ehrEndpoint: options.ehrEndpoint,
      maxAttempts: 3,
      retryInitialMs: 5,
    },
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
