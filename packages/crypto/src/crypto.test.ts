import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from './envelope.js';
import { LocalKeyProvider } from './key-provider.js';

const context = Buffer.from('{"client":{"family":"Okafor"}}');

describe('envelope encryption', () => {
  it('round-trips, and the ciphertext does not contain the plaintext', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await sealEnvelope(context, { tenantId: 't1', aad: 't1:task-1', keys });
    expect(env.ciphertext.includes(Buffer.from('Okafor'))).toBe(false);
    expect(await openEnvelope(env, { tenantId: 't1', aad: 't1:task-1', keys })).toEqual(context);
  });

  it('refuses to open an envelope moved to another task or tenant', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await sealEnvelope(context, { tenantId: 't1', aad: 't1:task-1', keys });
    await expect(openEnvelope(env, { tenantId: 't1', aad: 't1:task-2', keys })).rejects.toMatchObject({
      code: 'CRYPTO_DECRYPT_FAILED',
    });
    await expect(openEnvelope(env, { tenantId: 't2', aad: 't1:task-1', keys })).rejects.toMatchObject({
      code: 'CRYPTO_UNWRAP_FAILED',
    });
  });

  it('detects a tampered ciphertext', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const env = await sealEnvelope(context, { tenantId: 't1', aad: 'a', keys });
    const flipped = Buffer.from(env.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(
      openEnvelope({ ...env, ciphertext: flipped }, { tenantId: 't1', aad: 'a', keys }),
    ).rejects.toMatchObject({
      code: 'CRYPTO_DECRYPT_FAILED',
    });
  });

  it('derives different keys per tenant and purpose', async () => {
    const keys = LocalKeyProvider.ephemeral();
    const { key: a } = await keys.sealingKey('t1', 'vault');
    expect(a).toHaveLength(32);
    expect(a.equals((await keys.sealingKey('t2', 'vault')).key)).toBe(false);
    expect(a.equals(await keys.deriveKey('t1', 'pseudonym'))).toBe(false);
    expect((await keys.deriveKey('t1', 'pseudonym')).equals(await keys.deriveKey('t1', 'date-shift'))).toBe(
      false,
    );
  });

  it('creates a key file readable by its owner only, and reloads the same keys', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'dir', 'keys.json');
    const created = LocalKeyProvider.fromFile(path, { create: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const env = await sealEnvelope(context, { tenantId: 't1', aad: 'x', keys: created });
    expect(
      await openEnvelope(env, { tenantId: 't1', aad: 'x', keys: LocalKeyProvider.fromFile(path) }),
    ).toEqual(context);
    expect(() => LocalKeyProvider.fromFile(join(path, 'missing'))).toThrow(/does not exist/);
  });
});
