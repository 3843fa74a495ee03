import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Child processes of the chaos test, and the guarantees the harness gives about them:
 * every child is registered the moment it is spawned; `emergencyCleanup` (also run on the
 * test process's exit, whatever the reason) resumes a stopped child first and then kills
 * every child, so a failed or interrupted run never leaves a SIGSTOPped redis-server or a
 * service holding a port or a consumer group.
 */
const children = new Set<ChildProcess>();
const stopped = new Set<ChildProcess>();
let hooked = false;
let reaper: ChildProcess | undefined;

/**
 * A detached watchdog for the case no handler of this process gets to run (SIGKILL, a worker
 * torn down): it is told every child's pid and every SIGSTOP over a pipe, and when the pipe
 * closes (this process is gone) it sends SIGCONT to the stopped ones and SIGKILL to all.
 */
const REAPER = `
const pids = new Set(); const stopped = new Set(); let buf = '';
const sig = (pid, s) => { try { process.kill(pid, s); } catch {} };
process.stdin.on('data', (c) => {
  buf += c; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const [op, pid] = buf.slice(0, i).split(' '); buf = buf.slice(i + 1); const n = Number(pid);
    if (op === 'add') pids.add(n); else if (op === 'del') { pids.delete(n); stopped.delete(n); }
    else if (op === 'stop') stopped.add(n); else if (op === 'cont') stopped.delete(n);
  }
});
process.stdin.on('end', () => {
  for (const pid of stopped) sig(pid, 'SIGCONT');
  for (const pid of pids) sig(pid, 'SIGKILL');
  process.exit(0);
});
`;

function tell(line: string): void {
  reaper?.stdin?.write(`${line}\n`);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', emergencyCleanup);
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(name, () => {
      emergencyCleanup();
      process.kill(process.pid, name);
    });
  reaper = spawn(process.execPath, ['-e', REAPER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  reaper.stdin?.on('error', () => {});
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Synchronous: SIGCONT every paused child, then SIGKILL every child still running. */
export function emergencyCleanup(): void {
  for (const child of stopped) signal(child, 'SIGCONT');
  stopped.clear();
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) signal(child, 'SIGKILL');
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    child.kill(name);
  } catch {
    // already gone
  }
}

/** Spawns and registers a child; its stdout and stderr are kept in memory. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): { child: ChildProcess; output: () => string } {
  hookExit();
  const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  if (child.pid) tell(`add ${child.pid}`);
  child.once('exit', () => {
    children.delete(child);
    stopped.delete(child);
    if (child.pid) tell(`del ${child.pid}`);
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return { child, output: () => out };
}

/** SIGSTOP, remembered so that cleanup always sends SIGCONT before anything else. */
export function pause(child: ChildProcess): void {
  stopped.add(child);
  if (child.pid) tell(`stop ${child.pid}`);
  signal(child, 'SIGSTOP');
}

export function resume(child: ChildProcess): void {
  signal(child, 'SIGCONT');
  stopped.delete(child);
  if (child.pid) tell(`cont ${child.pid}`);
}

/** Resolves once the child has exited: SIGTERM, then SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  if (stopped.has(child)) resume(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** A port nobody listens on right now (the usual bind-to-0 probe). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * A service of services/<name>/dist/main.js as its own process, configured by env only. A
 * process that exits before it reports "service started" is started again, as its
 * orchestrator would (each failure is kept for the report); `output` spans every attempt.
 */
export class ServiceProcess {
  child!: ChildProcess;
  /** From the "service started" log line. */
  opsUrl = '';
  /** The end of the output of each attempt that exited during start-up. */
  readonly startFailures: string[] = [];
  private readonly attempts: Array<() => string> = [];
  private closed: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly env: Record<string, string | undefined>,
    /** Consumer groups this service's subscriptions use. */
    readonly groups: readonly string[],
  ) {
    this.spawn();
  }

  output(): string {
    return this.attempts.map((o) => o()).join('');
  }

  /** Resolves with the ops URL once the service reports it started; at most `attempts` starts. */
  async started(timeoutMs: number, attempts: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.attempts.at(-1)!;
      const match = /"opsUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(current());
      if (match?.[1]) return (this.opsUrl = match[1]);
      if (this.child.exitCode !== null) {
        await this.closed; // the last lines arrive after 'exit'
        this.startFailures.push(`exit ${this.child.exitCode}: ${current().slice(-1500)}`);
        if (this.startFailures.length >= attempts || Date.now() > deadline)
          throw new Error(`${this.name} did not start:\n${this.startFailures.join('\n---\n')}`);
        this.spawn();
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`${this.name}: not started within ${timeoutMs} ms:\n${current().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private spawn(): void {
    const { child, output } = spawnTracked(
      process.execPath,
      [join(REPO_ROOT, 'services', this.name, 'dist', 'main.js')],
      { PATH: process.env.PATH, ...this.env },
    );
    this.child = child;
    this.attempts.push(output);
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
  }
}
