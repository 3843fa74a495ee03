import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, uniqueName } from '@carerelay/bus/testing';
import { keyedHash, LocalKeyProvider } from '@carerelay/crypto';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  RegistrySchemaStore,
  aiDraftTopic,
  ehrWritebackTopic,
  type AiDraft,
  type EhrWriteback,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { RedisTokenVault, vaultKeyOf } from '@carerelay/phi';

const TENANT = 'crash-tenant';
const { avery } = SANDBOX_CLIENTS;

function draftFor(taskId: string, subjectRef: string): AiDraft {
  return {
    taskId,
    tenantId: TENANT,
    subjectRef,
    useCase: 'soap_note',
    content: JSON.stringify({
      draftLabel: 'AI-Assisted Draft',
      subjective: '[CLIENT] reports fewer panic episodes this week.',
      objective: 'GAD-7 9.',
      assessment: 'Generalized anxiety, improving.',
      plan: 'Continue weekly CBT.',
      riskStatement: 'No SI reported.',
      goalsAddressed: ['G1'],
    }),
    placeholders: [],
    provenance: {
      provider: 'AZURE_OPENAI',
      deployment: 'notes',
      modelVersion: '2024-08-06',
      templateId: 'soap_note',
      templateVersion: '1.0.0',
      templateHash: 'b'.repeat(64),
      promptTokens: 10,
      completionTokens: 10,
      latencyMs: 10,
      finishReason: 'stop',
    },
    createdAt: Date.now(),
    securityLabels: [],
    consentRef: null,
    measures: [],
    intakeExtraction: null,
  };
}

/**
 * writeback SIGKILLed after the EHR accepted the draft and before the consumer committed
 * its offset: the restarted service gets the same draft again and the EHR still holds
 * exactly one DocumentReference (and one Provenance) for the task.
 */
describe('writeback killed between the EHR write and the commit', () => {
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  let bus: KafkaBus;
  let outcomes: RawRecord[];
  const redis = new Redis(inject('redisUrl'));
  const serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
  const dir = mkdtempSync(join(tmpdir(), 'wb-crash-'));
  const keyFile = join(dir, 'keys.json');
  const vaultPrefix = `crash:${randomUUID()}:`;
  const children: ChildProcess[] = [];
  let vault: RedisTokenVault;
  let subjectRef: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
    const keys = LocalKeyProvider.fromFile(keyFile, { create: true });
    vault = new RedisTokenVault(redis, keys, vaultPrefix);
    // The deidentifier's pseudonym of the client: writeback refuses a draft whose subject differs.
    subjectRef = keyedHash(await keys.deriveKey(TENANT, 'pseudonym'), avery.patientId);
    const smartKeyFile = join(dir, 'smart.jwk.json');
    writeFileSync(smartKeyFile, JSON.stringify(sandbox.clients.rs384.privateJwk), { mode: 0o600 });
    env = {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      REDIS_URL: inject('redisUrl'),
      KEY_FILE: keyFile,
      VAULT_PREFIX: vaultPrefix,
      FHIR_BASE_URL: sandbox.baseUrl,
      SMART_CLIENT_ID: sandbox.clients.rs384.clientId,
      SMART_PRIVATE_KEY_FILE: smartKeyFile,
      GROUP: uniqueName('writeback-crash'),
    };
    bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'wb-crash-test',
      serde,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await bus.start();
    outcomes = (await collectRaw(bus, ehrWritebackTopic.name, { fromBeginning: false })).records;
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await bus?.shutdown();
    await sandbox?.stop();
    redis.disconnect();
  });

  async function startWriteback(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'writeback-child.mjs')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => line === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`writeback child exited early (${code})`)));
    });
    return child;
  }

  async function send(taskId: string): Promise<void> {
    await vault.put(
      {
        tenantId: TENANT,
        taskId,
        clientId: avery.patientId,
        tokens: { '[CLIENT]': { value: `${avery.given} ${avery.family}`, type: 'NAME' } },
        dateShiftDays: null,
        createdAt: Date.now(),
      },
      600,
    );
    await bus.publish(aiDraftTopic, { key: `${TENANT}:${subjectRef}`, value: draftFor(taskId, subjectRef) });
  }

  const outcomeFor = async (taskId: string): Promise<EhrWriteback[]> =>
    (await Promise.all(outcomes.map((r) => serde.decode(ehrWritebackTopic, r.value!)))).filter(
      (o) => o.taskId === taskId,
    );
  const waitForOutcome = async (taskId: string): Promise<EhrWriteback> => {
    for (let i = 0; i < 300; i += 1) {
      const [found] = await outcomeFor(taskId);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no write-back outcome for ${taskId}`);
  };
  const byTask = (type: 'DocumentReference' | 'Provenance', taskId: string) =>
    fhir.search(
      type,
      type === 'Provenance'
        ? { _tag: `urn:carerelay:task|${taskId}` }
        : { identifier: `urn:carerelay:task|${taskId}` },
    );

  it('the restarted service finds the draft already written: one DocumentReference, one Provenance', async () => {
    const first = await startWriteback();

    // A first draft, fully handled and committed, so the group has a position to resume from.
    const warmUp = randomUUID();
    await send(warmUp);
    expect((await waitForOutcome(warmUp)).status).toBe('CREATED');
    await new Promise((r) => setTimeout(r, 2000)); // offsets are committed every 500 ms

    // Kill the process the moment the EHR stores the next draft, before it hears back.
    const victim = randomUUID();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => first.once('exit', (_c, s) => resolve(s)));
    sandbox.repository.onChange((resource, kind) => {
      const ids = (resource as { identifier?: Array<{ value?: string }> }).identifier ?? [];
      if (
        kind === 'create' &&
        resource.resourceType === 'DocumentReference' &&
        ids.some((i) => i.value === victim)
      ) {
        first.kill('SIGKILL');
      }
    });
    await send(victim);
    expect(await exited).toBe('SIGKILL');

    // The write happened and nothing after it did: no Provenance, vault not purged, no outcome.
    expect(await byTask('DocumentReference', victim)).toHaveLength(1);
    expect(await byTask('Provenance', victim)).toHaveLength(0);
    expect(await vault.get(TENANT, vaultKeyOf(TENANT, victim))).toBeDefined();
    expect(await outcomeFor(victim)).toHaveLength(0);

    await startWriteback();
    const outcome = await waitForOutcome(victim);
    expect(outcome.status).toBe('ALREADY_EXISTS');
    const docs = await byTask('DocumentReference', victim);
    expect(docs).toHaveLength(1);
    expect(outcome.resourceRef).toBe(`DocumentReference/${docs[0]!.id}`);
    expect(await byTask('Provenance', victim)).toHaveLength(1);
    expect(await vault.get(TENANT, vaultKeyOf(TENANT, victim))).toBeUndefined();
    // The warm-up draft was not redone either.
    expect(await byTask('DocumentReference', warmUp)).toHaveLength(1);
    expect(await outcomeFor(warmUp)).toHaveLength(1);
  }, 120_000);
});
