import { spawn, spawnSync } from 'node:child_process';
import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  FingerprintKeyProvider,
  LocalKeyProvider,
  decryptWithKey,
  keyedHash,
  openEnvelope,
  sealEnvelope,
} from '@carerelay/crypto';
import { RedisTokenVault, type VaultEntry } from '@carerelay/phi';
import { startPrivateRedis } from './support/redis-server.js';

// The README's rotation procedure, run as an operator would: the real CLI on a real key file,
// the real token vault on real Redis.
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../packages/cli/dist/bin.js');
const carerelay = (...args: string[]) => {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

interface FileShape {
  active: string;
  identity: { id: string; secret: string };
  keys: Array<{ id: string; secret: string }>;
}
const fileOf = (path: string): FileShape => JSON.parse(readFileSync(path, 'utf8')) as FileShape;
const secretOf = (path: string, id: string): Buffer =>
  Buffer.from(fileOf(path).keys.find((k) => k.id === id)!.secret, 'base64');

// Independent of the code under test: HKDF-SHA256(secret, salt = tenant, info), HMAC-SHA256.
const hkdf = (secret: Buffer, tenant: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, Buffer.from(tenant, 'utf8'), `carerelay/${purpose}/v1`, 32));
const hmac = (key: Buffer, value: string): Buffer => createHmac('sha256', key).update(value).digest();
/** The deidentifier's offset rule: first 4 bytes of the HMAC mod 360 → [-180, -1] ∪ [1, 180]. */
const shiftOf = (digest: Buffer): number => {
  const n = digest.readUInt32BE(0) % 360;
  return n < 180 ? -(n + 1) : n - 179;
};

/** Reads the key id from a vault blob's header: `CRV\x02 | len | id`. */
function headerKeyId(blob: Buffer): string {
  expect(blob.subarray(0, 4).toString('latin1')).toBe('CRV\x02');
  return blob.subarray(5, 5 + blob[4]!).toString('utf8');
}

/** Runs the llm-worker's main as a deployment would; stops it after `ms` if it is still up. */
function llmWorker(
  env: Record<string, string>,
  ms = 40_000,
): Promise<{ code: number | null; output: string }> {
  const main = resolve(dirname(fileURLToPath(import.meta.url)), '../services/llm-worker/dist/main.js');
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      REDIS_URL: inject('redisUrl'),
      OPS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    }),
  );
}

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

describe('key rotation procedure (README) on real Redis', () => {
  const tenantId = `tenant-${randomUUID()}`;
  const clientId = 'pt-4471';
  const prefix = `test:${randomUUID()}:`;
  const entry = (): VaultEntry => ({
    tenantId,
    taskId: randomUUID(),
    clientId,
    tokens: { '[CLIENT]': { value: 'Rosalind Achterberg', type: 'NAME' } },
    dateShiftDays: null,
    createdAt: Date.now(),
  });

  it('rotates: new data under k2, old data still opens, pseudonyms and date shifts unchanged; retiring k1 ends old data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    expect(carerelay('keys', 'init', '--file', file).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const identity = Buffer.from(fileOf(file).identity.secret, 'base64');
    const k1 = secretOf(file, 'k1');

    const before = LocalKeyProvider.fromFile(file);
    const oldEntry = entry();
    const oldKey = await new RedisTokenVault(redis, before, prefix).put(oldEntry, 300);
    const oldEnvelope = await sealEnvelope(Buffer.from('ctx'), { tenantId, aad: 'a', keys: before });
    expect(oldEnvelope.keyId).toBe('k1');
    const oldBlob = (await redis.getBuffer(prefix + oldKey))!;
    expect(headerKeyId(oldBlob)).toBe('k1');
    // The blob opens with k1's vault key, computed here, bound to its key and key id.
    expect(
      decryptWithKey(hkdf(k1, tenantId, 'vault'), oldBlob.subarray(7), `${oldKey}#k1`).toString(),
    ).toContain('Achterberg');
    const pseudonymBefore = keyedHash(await before.deriveKey(tenantId, 'pseudonym'), clientId);
    const shiftKeyBefore = await before.deriveKey(tenantId, 'date-shift');

    const rotated = carerelay('keys', 'rotate', '--file', file);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('k2 is active');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const after = LocalKeyProvider.fromFile(file);
    const vault = new RedisTokenVault(redis, after, prefix);
    const newKey = await vault.put(entry(), 300);
    expect(headerKeyId((await redis.getBuffer(prefix + newKey))!)).toBe('k2');
    const newEnvelope = await sealEnvelope(Buffer.from('ctx'), { tenantId, aad: 'a', keys: after });
    expect(newEnvelope.keyId).toBe('k2');
    expect(await vault.get(tenantId, oldKey)).toEqual(oldEntry);
    expect(await openEnvelope(oldEnvelope, { tenantId, aad: 'a', keys: after })).toEqual(Buffer.from('ctx'));

    // Stable across rotation, and equal to what the identity root gives by the specification.
    const pseudonymAfter = keyedHash(await after.deriveKey(tenantId, 'pseudonym'), clientId);
    expect(pseudonymAfter).toBe(pseudonymBefore);
    expect(pseudonymAfter).toBe(hmac(hkdf(identity, tenantId, 'pseudonym'), clientId).toString('base64url'));
    const shiftAfter = shiftOf(hmac(await after.deriveKey(tenantId, 'date-shift'), clientId));
    expect(shiftAfter).toBe(shiftOf(hmac(shiftKeyBefore, clientId)));
    expect(shiftAfter).toBe(shiftOf(hmac(hkdf(identity, tenantId, 'date-shift'), clientId)));

    // Too early: k1 may still seal live data (the default grace is the vault TTL).
    const early = carerelay('keys', 'retire', '--file', file, '--key', 'k1');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('CRYPTO_KEY_IN_GRACE');
    const active = carerelay('keys', 'retire', '--file', file, '--key', 'k2', '--grace', '0');
    expect(active.code).toBe(1);
    expect(active.stderr).toContain('CRYPTO_KEY_ACTIVE');

    const retired = carerelay('keys', 'retire', '--file', file, '--key', 'k1', '--grace', '0');
    expect(retired.code, retired.stderr).toBe(0);
    expect(fileOf(file).keys.map((k) => k.id)).toEqual(['k2']);
    const final = LocalKeyProvider.fromFile(file);
    const finalVault = new RedisTokenVault(redis, final, prefix);
    await expect(finalVault.get(tenantId, oldKey)).rejects.toMatchObject({
      code: 'CRYPTO_KEY_RETIRED',
      retryable: false,
      message: expect.stringContaining('key k1 is not in the key file') as unknown,
    });
    await expect(openEnvelope(oldEnvelope, { tenantId, aad: 'a', keys: final })).rejects.toMatchObject({
      code: 'CRYPTO_KEY_RETIRED',
    });
    expect((await finalVault.get(tenantId, newKey))?.tenantId).toBe(tenantId);
    expect(keyedHash(await final.deriveKey(tenantId, 'pseudonym'), clientId)).toBe(pseudonymBefore);
  });

  it('prints usage with exit code 2 on a malformed command, and refuses a key file others can read', () => {
    expect(carerelay('keys', '--help').code).toBe(0);
    expect(carerelay('keys', 'rotate').code).toBe(2);
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    expect(carerelay('keys', 'init', '--file', file).code).toBe(0);
    spawnSync('chmod', ['644', file]);
    const loose = carerelay('keys', 'rotate', '--file', file);
    expect(loose.code).toBe(1);
    expect(loose.stderr).toContain('CRYPTO_KEY_FILE_PERMISSIONS');
    expect(loose.stderr).toContain(`chmod 600 ${file}`);
  });

  it("gives the llm-worker a file that matches the deidentifier's fingerprints and cannot open the vault", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    const out = join(dirname(file), 'fingerprint.json');
    carerelay('keys', 'init', '--file', file);
    const exported = carerelay(
      'keys',
      'export-fingerprint',
      '--file',
      file,
      '--tenant',
      tenantId,
      '--out',
      out,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const master = LocalKeyProvider.fromFile(file);
    const worker = FingerprintKeyProvider.fromFile(out);
    expect(keyedHash(await worker.deriveKey(tenantId, 'fingerprint'), 'Achterberg')).toBe(
      keyedHash(await master.deriveKey(tenantId, 'fingerprint'), 'Achterberg'),
    );
    await expect(worker.deriveKey(tenantId, 'vault' as 'fingerprint')).rejects.toMatchObject({
      code: 'CRYPTO_KEY_OUT_OF_SCOPE',
    });
    // Every secret in the worker's file fails on a vault blob sealed for its tenant.
    const vaultKey = await new RedisTokenVault(redis, master, prefix).put(entry(), 300);
    const blob = (await redis.getBuffer(prefix + vaultKey))!;
    const held = Object.values(
      (JSON.parse(readFileSync(out, 'utf8')) as { tenants: Record<string, string> }).tenants,
    );
    expect(held).toHaveLength(1);
    for (const secret of held) {
      expect(() => decryptWithKey(Buffer.from(secret, 'base64'), blob.subarray(7), `${vaultKey}#k1`)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_DECRYPT_FAILED' }) as unknown,
      );
    }
    expect(() => FingerprintKeyProvider.fromFile(file)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_KEY_FILE_SCOPE' }) as unknown,
    );
  });

  it("lets a Redis user limited to the worker's prefix run nothing against vault keys (README ACL)", async () => {
    const server = await startPrivateRedis();
    const admin = new Redis(server.url);
    try {
      await admin.set('carerelay:vault:t1:task-1', 'sealed');
      // The ACL the README gives the llm-worker.
      await admin.call(
        'ACL',
        'SETUSER',
        'llm-worker',
        'on',
        '>worker-pw',
        '~carerelay-llm:*',
        '+@all',
        '-@admin',
        '-@dangerous',
      );
      const [host, port] = server.url.replace('redis://', '').split(':');
      const worker = new Redis({ host, port: Number(port), username: 'llm-worker', password: 'worker-pw' });
      try {
        await worker.set('carerelay-llm:llm:draft:t1:task-1', 'draft');
        expect(await worker.get('carerelay-llm:llm:draft:t1:task-1')).toBe('draft');
        // The worker's scripts (rate limit, lock release) name their keys under its prefix.
        const script = "return redis.call('GET', KEYS[1])";
        expect(await worker.eval(script, 1, 'carerelay-llm:llm:draft:t1:task-1')).toBe('draft');
        await expect(worker.get('carerelay:vault:t1:task-1')).rejects.toThrow(/NOPERM/);
        await expect(worker.eval(script, 1, 'carerelay:vault:t1:task-1')).rejects.toThrow(/NOPERM/);
        await expect(worker.keys('*')).rejects.toThrow(/NOPERM/);
      } finally {
        worker.disconnect();
      }
    } finally {
      admin.disconnect();
      await server.stop();
    }
  });

  it('does not start the llm-worker on the master key file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    carerelay('keys', 'init', '--file', file);
    const given = await llmWorker({ FINGERPRINT_KEY_FILE: file, KEY_FILE: file });
    expect(given.code).toBe(1);
    expect(given.output).toContain('CRYPTO_KEY_FILE_SCOPE');
    // The old configuration (KEY_FILE alone) is refused before anything connects.
    const old = await llmWorker({ KEY_FILE: file, KEY_FILE_CREATE: 'true' });
    expect(old.code).toBe(1);
    expect(old.output).toContain('FINGERPRINT_KEY_FILE is required');
  });
});
