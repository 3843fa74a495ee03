import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from './envelope.js';
import { FingerprintKeyProvider } from './fingerprint-keys.js';
import { readKeyFile, retireKey, rotateKeyFile, writeKeyFile } from './key-file.js';
import { LocalKeyProvider } from './key-provider.js';

// Written from the specification, not from the code: HKDF-SHA256(secret, salt = tenant,
// info = "carerelay/<purpose>/v1"), then HMAC-SHA256 base64url of the client id.
const hkdf = (secret: Buffer, tenant: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, Buffer.from(tenant, 'utf8'), `carerelay/${purpose}/v1`, 32));
const pseudonymOf = (secret: Buffer, tenant: string, clientId: string): string =>
  createHmac('sha256', hkdf(secret, tenant, 'pseudonym'))
    .update(clientId)
    .digest('base64url');

const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
const b64 = (): string => randomBytes(32).toString('base64');

/** A key file as written before key ids and identity roots existed: one key, version 1. */
function legacyFile(): { path: string; k1: Buffer } {
  const path = tmpFile();
  const secret = b64();
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      active: 'k1',
      keys: [{ id: 'k1', secret, createdAt: '2026-01-01T00:00:00Z' }],
    }),
    { mode: 0o600 },
  );
  return { path, k1: Buffer.from(secret, 'base64') };
}

const rotate = (path: string): void => writeKeyFile(path, rotateKeyFile(readKeyFile(path)).file);

describe('key file permissions', () => {
  it.each([0o644, 0o640, 0o604, 0o660])(
    'refuses a key file with mode %o, naming the file and the fix',
    (mode) => {
      const path = tmpFile();
      LocalKeyProvider.fromFile(path, { create: true });
      chmodSync(path, mode);
      expect(() => LocalKeyProvider.fromFile(path)).toThrow(`run \`chmod 600 ${path}\``);
      expect(() => LocalKeyProvider.fromFile(path)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_KEY_FILE_PERMISSIONS' }),
      );
    },
  );

  it('refuses a fingerprint key file others can read', () => {
    const path = tmpFile();
    writeFileSync(path, JSON.stringify({ version: 1, purpose: 'fingerprint', tenants: { t1: b64() } }), {
      mode: 0o644,
    });
    chmodSync(path, 0o644);
    expect(() => FingerprintKeyProvider.fromFile(path)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_KEY_FILE_PERMISSIONS' }),
    );
  });

  it.runIf(process.getuid?.() === 0)('refuses a key file owned by another user', () => {
    const path = tmpFile();
    LocalKeyProvider.fromFile(path, { create: true });
    chownSync(path, 4321, 4321);
    expect(() => LocalKeyProvider.fromFile(path)).toThrow(`key file ${path} is owned by uid 4321`);
    expect(() => LocalKeyProvider.fromFile(path)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_KEY_FILE_OWNER' }),
    );
  });
});

describe('rotation', () => {
  it('keeps a one-key file deriving exactly what it derived before (pseudonym, date shift, fingerprint)', async () => {
    const { path, k1 } = legacyFile();
    const keys = LocalKeyProvider.fromFile(path);
    for (const purpose of ['pseudonym', 'date-shift', 'fingerprint'] as const) {
      expect((await keys.deriveKey('t1', purpose)).equals(hkdf(k1, 't1', purpose))).toBe(true);
    }
    expect((await keys.sealingKey('t1', 'vault')).key.equals(hkdf(k1, 't1', 'vault'))).toBe(true);
  });

  it('keeps pseudonyms, date shifts and fingerprints after rotating and after retiring the first key', async () => {
    const { path, k1 } = legacyFile();
    rotate(path);
    const rotated = LocalKeyProvider.fromFile(path);
    expect(rotated.activeKeyId).toBe('k2');
    const pseudonym = createHmac('sha256', await rotated.deriveKey('t1', 'pseudonym'))
      .update('pt-4471')
      .digest('base64url');
    expect(pseudonym).toBe(pseudonymOf(k1, 't1', 'pt-4471'));
    expect((await rotated.deriveKey('t1', 'date-shift')).equals(hkdf(k1, 't1', 'date-shift'))).toBe(true);
    expect((await rotated.deriveKey('t1', 'fingerprint')).equals(hkdf(k1, 't1', 'fingerprint'))).toBe(true);

    writeKeyFile(path, retireKey(readKeyFile(path), 'k1', 0));
    const retired = LocalKeyProvider.fromFile(path);
    expect((await retired.deriveKey('t1', 'pseudonym')).equals(hkdf(k1, 't1', 'pseudonym'))).toBe(true);
  });

  it('wraps new envelopes with the new key, still unwraps old ones, and refuses them once the old key is retired', async () => {
    const { path, k1 } = legacyFile();
    const before = await sealEnvelope(Buffer.from('ctx'), {
      tenantId: 't1',
      aad: 'a',
      keys: LocalKeyProvider.fromFile(path),
    });
    expect(before.keyId).toBe('k1');
    rotate(path);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { keys: Array<{ id: string; secret: string }> };
    const k2 = Buffer.from(file.keys.find((k) => k.id === 'k2')!.secret, 'base64');
    expect(k2.equals(k1)).toBe(false);
    const keys = LocalKeyProvider.fromFile(path);
    const after = await sealEnvelope(Buffer.from('ctx'), { tenantId: 't1', aad: 'a', keys });
    expect(after.keyId).toBe('k2');
    expect((await keys.sealingKey('t1', 'vault')).key.equals(hkdf(k2, 't1', 'vault'))).toBe(true);
    expect(await openEnvelope(before, { tenantId: 't1', aad: 'a', keys })).toEqual(Buffer.from('ctx'));

    writeKeyFile(path, retireKey(readKeyFile(path), 'k1', 0));
    const retired = LocalKeyProvider.fromFile(path);
    await expect(openEnvelope(before, { tenantId: 't1', aad: 'a', keys: retired })).rejects.toMatchObject({
      code: 'CRYPTO_KEY_RETIRED',
      retryable: false,
    });
    expect(await openEnvelope(after, { tenantId: 't1', aad: 'a', keys: retired })).toEqual(
      Buffer.from('ctx'),
    );
  });

  it('refuses to retire the active key, or a key replaced within the grace period', () => {
    const { path } = legacyFile();
    rotate(path);
    const file = readKeyFile(path);
    expect(() => retireKey(file, 'k2', 0)).toThrow(expect.objectContaining({ code: 'CRYPTO_KEY_ACTIVE' }));
    expect(() => retireKey(file, 'k1', 3600)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_KEY_IN_GRACE' }),
    );
    expect(() => retireKey(file, 'k9', 0)).toThrow(expect.objectContaining({ code: 'CRYPTO_UNKNOWN_KEY' }));
  });

  it('gives a new file an identity root apart from its encryption key', async () => {
    const path = tmpFile();
    LocalKeyProvider.fromFile(path, { create: true });
    const file = JSON.parse(readFileSync(path, 'utf8')) as {
      identity: { secret: string };
      keys: Array<{ secret: string }>;
    };
    const identity = Buffer.from(file.identity.secret, 'base64');
    const k1 = Buffer.from(file.keys[0]!.secret, 'base64');
    const keys = LocalKeyProvider.fromFile(path);
    expect((await keys.deriveKey('t1', 'pseudonym')).equals(hkdf(identity, 't1', 'pseudonym'))).toBe(true);
    expect((await keys.sealingKey('t1', 'vault')).key.equals(hkdf(k1, 't1', 'vault'))).toBe(true);
    expect(identity.equals(k1)).toBe(false);
  });
});

describe("the llm-worker's keys", () => {
  it('derive the fingerprint key of each exported tenant and nothing else', async () => {
    const { path, k1 } = legacyFile();
    const master = LocalKeyProvider.fromFile(path);
    const exported = master.exportFingerprintKeys(['t1']);
    expect(JSON.stringify(exported)).not.toContain(k1.toString('base64'));
    const worker = FingerprintKeyProvider.fromExport(exported);
    expect((await worker.deriveKey('t1', 'fingerprint')).equals(hkdf(k1, 't1', 'fingerprint'))).toBe(true);
    for (const purpose of ['pseudonym', 'date-shift', 'vault', 'kek']) {
      await expect(worker.deriveKey('t1', purpose as 'pseudonym')).rejects.toMatchObject({
        code: 'CRYPTO_KEY_OUT_OF_SCOPE',
      });
    }
    await expect(worker.wrapKey()).rejects.toMatchObject({ code: 'CRYPTO_KEY_OUT_OF_SCOPE' });
    await expect(worker.deriveKey('t2', 'fingerprint')).rejects.toMatchObject({
      code: 'CRYPTO_KEY_UNAVAILABLE',
    });
    // No value the worker holds is the tenant's vault or key-encryption key.
    const held = Object.values(exported.tenants).map((s) => Buffer.from(s, 'base64'));
    for (const secret of held) {
      expect(secret.equals(hkdf(k1, 't1', 'vault'))).toBe(false);
      expect(secret.equals(hkdf(k1, 't1', 'kek'))).toBe(false);
    }
  });

  it('refuses the master key file in place of a fingerprint key file', () => {
    const { path } = legacyFile();
    expect(() => FingerprintKeyProvider.fromFile(path)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_KEY_FILE_SCOPE' }),
    );
  });

  it('cannot be asked for the vault key through the master provider interface either', async () => {
    const keys = LocalKeyProvider.ephemeral();
    await expect(keys.deriveKey('t1', 'vault' as 'pseudonym')).rejects.toMatchObject({
      code: 'CRYPTO_KEY_OUT_OF_SCOPE',
    });
  });
});
