import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { KafkaBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { AvroSerde, RegistrySchemaStore, auditEventTopic, type AuditEvent } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createScratchDatabase, type ScratchDatabase } from '@carerelay/service-audit-sink/testing';

const root = join(import.meta.dirname, '..');
const SERVICES = [
  'ehr-connector',
  'deidentifier',
  'llm-worker',
  'risk-scanner',
  'coder',
  'writeback',
  'audit-sink',
];

interface Run {
  readonly exitCode: Promise<number | null>;
  readonly output: () => string;
  readonly kill: (signal: NodeJS.Signals) => void;
}

function runMain(service: string, env: Record<string, string | undefined>): Run {
  const child = spawn(process.execPath, [join(root, 'services', service, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    exitCode: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    output: () => out,
    kill: (signal) => child.kill(signal),
  };
}

async function opsUrl(run: Run, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"opsUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.output());
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service did not start:\n${run.output()}`);
}

describe('services (distributed mode, real Kafka, registry, Redis and sandbox EHR)', () => {
  let sandbox: SandboxEhr;
  let privateKeyFile: string;
  let auditDb: ScratchDatabase;
  const officerKeyFile = join(mkdtempSync(join(tmpdir(), 'officer-')), 'public.pem');
  const fingerprintKeyFile = (tenant: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'fingerprint-')), 'fingerprint.json');
    const tenants = { [tenant]: randomBytes(32).toString('base64') };
    writeFileSync(path, JSON.stringify({ version: 1, purpose: 'fingerprint', tenants }), { mode: 0o600 });
    return path;
  };
  // This run's audit chains, so events of other runs on the same Kafka are never counted.
  const runId = `${process.pid}-${Date.now()}`;
  const tenantId = `tenant-services-test-${runId}`;
  const deploymentTenant = `deployment-services-test-${runId}`;
  let bus: KafkaBus;
  let serde: AvroSerde;
  let audits: Awaited<ReturnType<typeof collectRaw>>;
  beforeAll(async () => {
    serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
    bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'services-test',
      serde,
      logger: createLogger({ service: 'services-test', level: 'silent' }),
    });
    await bus.start();
    // Reads from the end of the audit topic, and joins before any service starts.
    audits = await collectRaw(bus, auditEventTopic.name, { fromBeginning: false });
    await eventually(() => bus.health().ready, 'audit collector to join');
    sandbox = await startSandboxEhr();
    auditDb = await createScratchDatabase(inject('databaseUrl'), 'carerelay_services');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(officerKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    privateKeyFile = join(mkdtempSync(join(tmpdir(), 'smart-')), 'key.json');
    writeFileSync(privateKeyFile, JSON.stringify(sandbox.clients.rs384.privateJwk), { mode: 0o600 });
  });
  afterAll(async () => {
    await audits?.subscription.stop();
    await bus?.shutdown();
    await sandbox.stop();
    await auditDb?.drop();
  });

  /** This run's CONFIG_CHANGE events of `service`, with their bytes on the topic. */
  async function configAudits(service: string): Promise<Array<{ event: AuditEvent; bytes: Buffer }>> {
    const decoded = await Promise.all(
      audits.records.map(async (r) => ({
        event: await serde.decode(auditEventTopic, r.value!),
        bytes: r.value!,
      })),
    );
    return decoded.filter(
      ({ event }) =>
        event.action === 'CONFIG_CHANGE' &&
        event.actor.service === service &&
        [tenantId, deploymentTenant].includes(event.tenantId),
    );
  }

  it.each(SERVICES)('%s starts, reports ready and metrics, and exits 0 on SIGTERM', async (service) => {
    const env = {
      FHIR_BASE_URL: sandbox.baseUrl,
      SMART_CLIENT_ID: sandbox.clients.rs384.clientId,
      SMART_PRIVATE_KEY_FILE: privateKeyFile,
      TENANT_ID: tenantId,
      AUDIT_DEPLOYMENT_TENANT: deploymentTenant,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      OPS_PORT: '0',
      REDIS_URL: inject('redisUrl'),
      KEY_FILE: join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json'),
      KEY_FILE_CREATE: 'true',
      // The llm-worker takes fingerprint keys only (carerelay keys export-fingerprint), never KEY_FILE.
      FINGERPRINT_KEY_FILE: fingerprintKeyFile(tenantId),
      INGRESS_PORT: '0',
      AUDIT_DATABASE_URL: auditDb.urlAs('carerelay_audit_writer'),
      AUDIT_ADMIN_DATABASE_URL: auditDb.adminUrl,
      AUDIT_CONSUMER_GROUP: `audit-sink-services-test-${process.pid}-${Date.now()}`,
      AUDIT_READER_DATABASE_URL: auditDb.urlAs('carerelay_audit_reader'),
      AUDIT_API_PORT: '0',
      AUDIT_API_JWT_PUBLIC_KEY_FILE: officerKeyFile,
      AUDIT_API_JWT_ISSUER: 'https://idp.services.test',
    };
    const run = runMain(service, env);
    const url = await opsUrl(run);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/process_cpu_user_seconds_total\{service="/);
    if (service === 'audit-sink') {
      // The compliance API is up beside the sink: its OpenAPI document is public, its data is not.
      const api = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"compliance API listening"/.exec(
        run.output(),
      )?.[1];
      expect(api).toBeDefined();
      expect((await fetch(`${api}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${api}/v1/audit/events`)).status).toBe(401);
    }
    run.kill('SIGTERM');
    expect(await run.exitCode).toBe(0);
    expect(run.output()).toMatch(/"msg":"stopped"/);

    // It audited the configuration it started with: once, in its chain, as hashes only.
    await eventually(async () => (await configAudits(service)).length > 0, `${service}'s CONFIG_CHANGE`);
    const recorded = await configAudits(service);
    expect(recorded).toHaveLength(1);
    const { event, bytes } = recorded[0]!;
    expect(event.tenantId).toBe(service === 'ehr-connector' ? tenantId : deploymentTenant);
    expect(event.outcome).toBe('SUCCESS');
    expect(event.hashes['config']).toMatch(/^[0-9a-f]{64}$/);
    expect(event.hashes['key:KAFKA_BROKERS']).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(event.hashes)).toHaveLength(Number(event.counts['keys']) + 1);
    // The tenant ids are the chains' names; every other value passed stays in the process.
    const values = Object.entries(env)
      .filter(
        ([name, value]) => !['TENANT_ID', 'AUDIT_DEPLOYMENT_TENANT'].includes(name) && value.length >= 8,
      )
      .map(([, value]) => value);
    expect(values).toContain(auditDb.adminUrl);
    const text = bytes.toString('utf8');
    expect(values.filter((value) => text.includes(value))).toEqual([]);
  });

  it('fails fast naming every missing or invalid variable, and exits 1', async () => {
    const run = runMain('deidentifier', { OPS_PORT: 'eighty', SCHEMA_REGISTRY_URL: 'ftp://x' });
    expect(await run.exitCode).toBe(1);
    const output = run.output();
    expect(output).toContain('KAFKA_BROKERS is required');
    expect(output).toContain('SCHEMA_REGISTRY_URL=\\"ftp://x\\" must use one of: http, https');
    expect(output).toContain('OPS_PORT=\\"eighty\\" must be an integer');
    expect(output).toContain('REDIS_URL is required');
    expect(output).toContain('KEY_FILE is required');
  });
});
