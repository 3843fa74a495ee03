import { spawn } from 'node:child_process';
import { constants, accessSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The README's first steps on a fresh clone of this repository's HEAD (commit first: uncommitted
// work is not in a clone): one `npm install`, then `npx carerelay`. npm links workspace bins
// before the root `prepare` builds dist/, so this fails if the bin is not a committed file.
// The install resolves from the npm cache the outer install warmed; it takes ~2 minutes on
// 2 cores, most of it the `prepare` build.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL_TIMEOUT_MS = 420_000;
const scratch = mkdtempSync(join(tmpdir(), 'carerelay-clone-'));
const clone = join(scratch, 'carerelay');

/** The outer npm run's npm_* settings (lifecycle, prefix, workspace) must not steer the clone's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((key.startsWith('npm_') && key !== 'npm_config_cache') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the test worker (an install takes minutes). */
function sh(
  command: string,
  args: string[],
  options: { cwd: string; input?: string; timeoutMs?: number },
): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: cleanEnv(),
      timeout: options.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', fail);
    child.on('close', (status) =>
      done({
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    // A command that exits without reading stdin (git, npm) closes the pipe first: EPIPE is not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a fresh clone', () => {
  it(
    'runs `npx carerelay deid detect` after its first npm install',
    async () => {
      const cloned = await sh('git', ['clone', '--quiet', '--depth', '1', `file://${REPO}`, clone], {
        cwd: scratch,
      });
      expect(cloned.status, cloned.stderr).toBe(0);
      const launcher = await sh('git', ['ls-files', '--stage', 'packages/cli/bin/carerelay.js'], {
        cwd: clone,
      });
      expect(launcher.stdout).toMatch(/^100755 /);

      const install = await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: clone,
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
      expect(() =>
        accessSync(join(clone, 'node_modules', '.bin', 'carerelay'), constants.X_OK),
      ).not.toThrow();

      // --no: never fetch a registry package named carerelay if the workspace bin is missing.
      const detected = await sh('npx', ['--no', 'carerelay', 'deid', 'detect'], {
        cwd: clone,
        input: '{"id":"n1","text":"call 555-123-4567 or mail jo.doe@example.org"}\n',
      });
      expect(detected.stderr).toBe('');
      expect(detected.status).toBe(0);
      expect(JSON.parse(detected.stdout)).toEqual({
        id: 'n1',
        spans: [
          { start: 5, end: 17, type: 'PHONE' },
          { start: 26, end: 44, type: 'EMAIL' },
        ],
      });
    },
    INSTALL_TIMEOUT_MS + 120_000,
  );
});
