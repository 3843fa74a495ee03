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

/** A service of services/<name>/dist/main.js as its own process, configured by env only. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** From the "service started" log line. */
  opsUrl: string;
  /** Consumer groups this service's subscriptions use (for rebalance counting). */
  readonly groups: readonly string[];
}

export function startService(
  name: string,
  env: Record<string, string | undefined>,
  groups: readonly string[],
): ServiceProcess {
  const { child, output } = spawnTracked(
    process.execPath,
    [join(REPO_ROOT, 'services', name, 'dist', 'main.js')],
    { PATH: process.env.PATH, ...env },
  );
  return { name, child, output, opsUrl: '', groups };
}

/** Waits for a pino line of this service and returns the first capture group of `pattern`. */
export async function waitForLog(
  service: ServiceProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(service.output());
    if (match?.[1]) return match[1];
    if (service.child.exitCode !== null)
      throw new Error(
        `${service.name} exited with ${service.child.exitCode}:\n${service.output().slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${service.name}: no log line ${pattern} within ${timeoutMs} ms:\n${service.output().slice(-4000)}`,
  );
}
