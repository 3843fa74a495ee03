import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createLogger } from '@carerelay/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';
import { connectRedis } from './redis.js';

/** A redis-server of this test's own, so it can be paused without touching the machine's Redis. */
async function ownRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error('redis-server exited')));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Settles with the outcome of `promise`, or 'still pending' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<{ outcome: string; afterMs: number }> {
  const began = Date.now();
  return Promise.race([
    promise.then(
      () => ({ outcome: 'answered', afterMs: Date.now() - began }),
      (err: Error) => ({ outcome: `failed: ${err.message}`, afterMs: Date.now() - began }),
    ),
    new Promise<{ outcome: string; afterMs: number }>((resolve) =>
      setTimeout(() => resolve({ outcome: 'still pending', afterMs: ms }), ms),
    ),
  ]);
}

describe('connectRedis against a paused Redis (SIGSTOP)', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function pausedRedis(): Promise<ReturnType<typeof connectRedis> & { child: ChildProcess }> {
    const { url, child } = await ownRedis();
    cleanups.push(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 5_000 });
    const connection = connectRedis(url, createLogger({ service: 'test', level: 'silent' }), {
      commandTimeoutMs: 500,
      readiness,
    });
    cleanups.push(() => connection.redis.disconnect());
    if (connection.redis.status !== 'ready') await new Promise((r) => connection.redis.once('ready', r));
    await connection.redis.set('k', 'v');
    child.kill('SIGSTOP');
    return { ...connection, child };
  }

  it('fails a command after the command timeout instead of hanging', async () => {
    const { redis } = await pausedRedis();
    const result = await within(redis.get('k'), 4_000);
    expect(result.outcome).toBe('failed: Command timed out');
    expect(result.afterMs).toBeLessThan(1_500);
  });

  it('reports the paused Redis down by its check (REDIS_TIMEOUT), and up again once it answers', async () => {
    const { check, child, redis } = await pausedRedis();
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 5_000 });
    readiness.register(check);
    const down = await readiness.report();
    expect(down.ready).toBe(false);
    expect(down.dependencies['redis']).toMatchObject({ status: 'down', lastErrorCode: 'REDIS_TIMEOUT' });
    child.kill('SIGCONT');
    expect(await redis.get('k')).toBe('v');
    const up = await readiness.report();
    expect(up.ready).toBe(true);
    expect(up.dependencies['redis']).toMatchObject({ status: 'up', lastErrorCode: 'REDIS_TIMEOUT' });
  });
});
