import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { eventually } from '@carerelay/bus/testing';

const root = join(import.meta.dirname, '..');

interface ReadyBody {
  status: string;
  dependencies?: Record<string, { status: string; required: boolean; lastErrorCode?: string }>;
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A redis-server of this test's own: it is paused with SIGSTOP, never the machine's Redis. */
async function ownRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error('redis-server exited')));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

describe('/ready reports each dependency of a running service (deidentifier process, real Kafka, own Redis)', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('follows Redis paused with SIGSTOP: 503 naming redis REDIS_TIMEOUT, then 200 once it answers', async () => {
    const redis = await ownRedis();
    cleanups.push(() => {
      redis.child.kill('SIGCONT');
      redis.child.kill('SIGKILL');
    });
    const service = spawn(process.execPath, [join(root, 'services', 'deidentifier', 'dist', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: inject('kafkaBrokers'),
        SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
        REDIS_URL: redis.url,
        KEY_FILE: join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json'),
        KEY_FILE_CREATE: 'true',
        REDIS_COMMAND_TIMEOUT_MS: '500',
        READY_CACHE_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    service.stdout.on('data', (c: Buffer) => (output += c.toString()));
    service.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => service.once('exit', resolve));
    cleanups.push(async () => {
      service.kill('SIGTERM');
      await exited;
    });
    let opsUrl = '';
    await eventually(
      () => {
        opsUrl = /"opsUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1] ?? '';
        return opsUrl !== '';
      },
      'the service to start',
      45_000,
    );
    const ready = async (): Promise<{ code: number; body: ReadyBody }> => {
      const response = await fetch(`${opsUrl}/ready`);
      return { code: response.status, body: (await response.json()) as ReadyBody };
    };
    await eventually(async () => (await ready()).code === 200, 'the service ready', 30_000);
    const before = await ready();
    expect(before.body.dependencies?.['redis']).toMatchObject({ status: 'up', required: true });
    expect(before.body.dependencies?.['kafka']).toMatchObject({ status: 'up' });

    redis.child.kill('SIGSTOP');
    const began = Date.now();
    const during = await ready();
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(during.code).toBe(503);
    expect(during.body.dependencies?.['redis']).toMatchObject({
      status: 'down',
      lastErrorCode: 'REDIS_TIMEOUT',
    });
    expect(during.body.dependencies?.['kafka']).toMatchObject({ status: 'up' });

    redis.child.kill('SIGCONT');
    await eventually(async () => (await ready()).code === 200, 'ready again after Redis answers', 15_000);
    const after = await ready();
    expect(after.body.dependencies?.['redis']).toMatchObject({
      status: 'up',
      lastErrorCode: 'REDIS_TIMEOUT',
    });
  }, 120_000);
});
