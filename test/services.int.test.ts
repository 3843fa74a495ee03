import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';

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
  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    privateKeyFile = join(mkdtempSync(join(tmpdir(), 'smart-')), 'key.json');
    writeFileSync(privateKeyFile, JSON.stringify(sandbox.clients.rs384.privateJwk), { mode: 0o600 });
  });
  afterAll(() => sandbox.stop());

  it.each(SERVICES)('%s starts, reports ready and metrics, and exits 0 on SIGTERM', async (service) => {
    const run = runMain(service, {
      FHIR_BASE_URL: sandbox.baseUrl,
      SMART_CLIENT_ID: sandbox.clients.rs384.clientId,
      SMART_PRIVATE_KEY_FILE: privateKeyFile,
      TENANT_ID: 'tenant-services-test',
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      OPS_PORT: '0',
      REDIS_URL: inject('redisUrl'),
      KEY_FILE: join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json'),
      KEY_FILE_CREATE: 'true',
    });
    const url = await opsUrl(run);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/process_cpu_user_seconds_total\{service="/);
    run.kill('SIGTERM');
    expect(await run.exitCode).toBe(0);
    expect(run.output()).toMatch(/"msg":"stopped"/);
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
