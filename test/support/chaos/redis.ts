import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, pause, resume, spawnTracked, terminate } from './processes.js';

export interface PausableRedis {
  readonly url: string;
  readonly pid: number;
  /** SIGSTOP: the socket stays open and accepts bytes, nothing answers (a hung Redis, not a dead one). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free port, owned by this test: it is the only Redis the
 * chaos test ever pauses (never the machine's shared one). Cleanup resumes it before
 * killing it, also when the test process dies (processes.ts).
 */
export async function startPausableRedis(): Promise<PausableRedis> {
  const port = await freePort();
  const { child } = spawnTracked(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { PATH: process.env.PATH },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child);
  return {
    url,
    pid: child.pid ?? -1,
    pause: () => pause(child),
    resume: () => resume(child),
    stop: async () => {
      await terminate(child, 2_000);
    },
  };
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // refused while the server boots: expected
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        if (i > 200) throw new Error('private redis-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
}
