// Process and system helpers for the local infra harness (Node 20 built-ins only).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Processes started by this one that must not outlive it (JVMs unless persist, mvn, tar).
const owned = new Set();
const tempDirs = new Set();
let hooksInstalled = false;

/** Runs a command to completion, capturing output; rejects with the output on failure. */
export function run(cmd, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed with us: an orphaned mvn would keep writing into a dir the next run deletes.
    if (child.pid) track(child.pid);
    child.on('exit', () => owned.delete(child.pid));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${out.slice(-4000)}`));
    });
  });
}

/** n distinct free TCP ports on 127.0.0.1 (all held open at once, so they differ). */
export async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Resolves a port: the given one (checked free by a bind test) or a fresh free one. */
export async function pickPort(port) {
  if (port == null) return (await freePorts(1))[0];
  await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e) => reject(new Error(`port 127.0.0.1:${port} is not free: ${e.code}`)));
    s.listen(port, '127.0.0.1', () => s.close(resolve));
  });
  return port;
}

/** Last `lines` lines of a file, or '' if it does not exist. */
export function tail(file, lines = 40) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '';
  }
}

function javaMajor(home) {
  try {
    const m = /JAVA_VERSION="(\d+)/.exec(fs.readFileSync(path.join(home, 'release'), 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Path of a `java` binary of at least `minMajor`: `javaHome` if given, else the first fit of
 * $JAVA_HOME, the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
 * Apicurio Registry 3.3.x is compiled for Java 21 (class file 65) while the machine default is
 * 17, hence the search (Temurin 25 lives in /usr/lib/jvm on this project's machines).
 */
export function findJava(minMajor, javaHome) {
  if (javaHome) {
    // explicit choice: use it or fail, never silently another JDK
    const major = javaMajor(javaHome);
    if (major < minMajor) throw new Error(`${javaHome} is Java ${major || '?'}, need ${minMajor}+`);
    return path.join(javaHome, 'bin', 'java');
  }
  const homes = [process.env.JAVA_HOME];
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const bin = path.join(dir, 'java');
    if (fs.existsSync(bin)) homes.push(path.dirname(path.dirname(fs.realpathSync(bin))));
  }
  try {
    const jvms = fs.readdirSync('/usr/lib/jvm').map((d) => path.join('/usr/lib/jvm', d));
    homes.push(...jvms.sort((a, b) => javaMajor(b) - javaMajor(a)));
  } catch {
    /* no /usr/lib/jvm */
  }
  const seen = [];
  for (const home of homes.filter(Boolean)) {
    const major = javaMajor(home);
    seen.push(`${home} (${major || '?'})`);
    if (major >= minMajor && fs.existsSync(path.join(home, 'bin', 'java')))
      return path.join(home, 'bin', 'java');
  }
  throw new Error(
    `need Java ${minMajor}+ but found only: ${seen.join(', ') || 'none'}; set JAVA_HOME or pass javaHome`,
  );
}

/** True if pid exists and is not a zombie (a dead child nobody reaped yet). */
export function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function killGroup(pid, sig) {
  try {
    process.kill(-pid, sig); // the JVM leads its own process group (spawned detached)
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM the process group, wait for exit, SIGKILL after graceMs. Resolves once gone. */
export async function stopPid(pid, graceMs = 15_000) {
  if (!alive(pid)) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    killGroup(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
  }
}

function killOwned() {
  // Only synchronous work is possible in 'exit': SIGKILL, since nobody will wait for a SIGTERM.
  for (const pid of owned) killGroup(pid, 'SIGKILL');
  owned.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function track(pid) {
  owned.add(pid);
  installHooks();
}

/** Removes dir when this process exits (for throwaway state dirs); forget() cancels. */
export function removeOnExit(dir) {
  tempDirs.add(dir);
  installHooks();
  return () => tempDirs.delete(dir);
}
function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killOwned);
  // A fatal signal skips 'exit' handlers, so catch the usual ones, clean up, then re-raise
  // the signal with default behaviour if nobody else (e.g. a test runner) handles it.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSig = () => {
      killOwned();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSig);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSig);
  }
}

/**
 * Spawns a JVM detached (own process group, so signals to the test runner's group don't hit it
 * and stop() can signal the whole group) with stdout+stderr appended to logFile.
 * persist=false: killed when this Node process exits. Returns { pid, exited, stop() }.
 */
export function spawnJvm(java, args, { cwd, logFile, persist = false }) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(java, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.unref(); // never keep the event loop alive just for the JVM
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => resolve({ code: null, signal: null, err }));
  });
  if (!persist && child.pid) {
    track(child.pid);
    exited.then(() => owned.delete(child.pid));
  }
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode == null && child.signalCode == null) {
        killGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      owned.delete(child.pid);
    })());
  return { pid: child.pid, exited, stop, child };
}

/**
 * Polls check() until it returns a truthy value. Fails fast if the process exits, and on timeout;
 * the error carries the tails of the given log files.
 */
export async function waitUntil(check, { what, timeoutMs, intervalMs = 250, proc, logs = [] }) {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  proc?.exited.then(() => (died = true));
  let lastErr;
  const fail = (why) => {
    const tails = logs.map((f) => `--- tail of ${f} ---\n${tail(f)}`).join('\n');
    return new Error(`${what}: ${why}${lastErr ? ` (last check error: ${lastErr.message})` : ''}\n${tails}`);
  };
  for (;;) {
    if (died) throw fail('process exited before becoming ready');
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) throw fail(`not ready after ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}
