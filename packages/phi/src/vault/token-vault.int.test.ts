import { hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LocalKeyProvider, encryptWithKey } from '@carerelay/crypto';
import { RedisTokenVault, vaultKeyOf, type VaultEntry } from './token-vault.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const entry = (tenantId: string): VaultEntry => ({
  tenantId,
  taskId: randomUUID(),
  clientId: 'pt-77',
  tokens: { '[CLIENT]': { value: 'Rosalind Achterberg', type: 'NAME' } },
  dateShiftDays: null,
  createdAt: Date.now(),
});

describe('RedisTokenVault (real Redis)', () => {
  const prefix = `test:${randomUUID()}:`;
  const keys = LocalKeyProvider.ephemeral();
  const vault = new RedisTokenVault(redis, keys, prefix);

  it('stores entries sealed (no plaintext in Redis), with a TTL, and reads them back', async () => {
    const e = entry('tenant-a');
    const key = await vault.put(e, 120);
    const raw = await redis.getBuffer(prefix + key);
    expect(raw).not.toBeNull();
    expect(raw!.includes(Buffer.from('Achterberg'))).toBe(false);
    const ttl = await redis.ttl(prefix + key);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await vault.get('tenant-a', key)).toEqual(e);
  });

  it('purges an entry on request', async () => {
    const key = await vault.put(entry('tenant-a'), 120);
    expect(await vault.purge('tenant-a', key)).toBe(true);
    expect(await vault.get('tenant-a', key)).toBeUndefined();
    expect(await vault.purge('tenant-a', key)).toBe(false);
  });

  it("never lets one tenant read another tenant's entry", async () => {
    const key = await vault.put(entry('tenant-a'), 120);
    await expect(vault.get('tenant-b', key)).rejects.toMatchObject({ code: 'DEID_VAULT_FORBIDDEN' });
    // Even a forged key under tenant-b's name cannot decrypt tenant-a's sealed bytes.
    const forged = key.replace('tenant-a', 'tenant-b');
    await redis.copy(prefix + key, prefix + forged);
    await expect(vault.get('tenant-b', forged)).rejects.toMatchObject({ code: 'CRYPTO_DECRYPT_FAILED' });
  });

  it('reports an unreachable Redis as DEID_VAULT_UNAVAILABLE, retryable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const offline = new RedisTokenVault(dead, keys, prefix);
    await expect(offline.put(entry('tenant-a'), 60)).rejects.toMatchObject({
      code: 'DEID_VAULT_UNAVAILABLE',
      retryable: true,
    });
    dead.disconnect();
  });

  it('opens an entry sealed before key ids existed (no header) with the key then active', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    const k1 = randomBytes(32);
    const file = {
      version: 1,
      active: 'k1',
      keys: [{ id: 'k1', secret: k1.toString('base64'), createdAt: 'x' }],
    };
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    const e = entry('tenant-a');
    const vaultKey = vaultKeyOf('tenant-a', e.taskId);
    // What the previous code wrote: iv | tag | ciphertext under HKDF(k1, tenant, vault), AAD = vault key.
    const vaultSecret = Buffer.from(
      hkdfSync('sha256', k1, Buffer.from('tenant-a'), 'carerelay/vault/v1', 32),
    );
    await redis.set(
      prefix + vaultKey,
      encryptWithKey(vaultSecret, Buffer.from(JSON.stringify(e)), vaultKey),
      'EX',
      60,
    );
    expect(
      await new RedisTokenVault(redis, LocalKeyProvider.fromFile(path), prefix).get('tenant-a', vaultKey),
    ).toEqual(e);
  });

  it('names the sealing key in the header and refuses a header whose key id was swapped', async () => {
    const key = await vault.put(entry('tenant-a'), 120);
    const raw = (await redis.getBuffer(prefix + key))!;
    expect(raw.subarray(0, 4).toString('latin1')).toBe('CRV\x02');
    expect(raw.subarray(5, 5 + raw[4]!).toString('utf8')).toBe(keys.activeKeyId);
    // Same length id, another name: the AAD binds the id, and no such key exists anyway.
    const forged = Buffer.from(raw);
    forged.write('X', 5, 'utf8');
    await redis.set(prefix + key, forged, 'EX', 60);
    await expect(vault.get('tenant-a', key)).rejects.toMatchObject({ code: 'CRYPTO_KEY_RETIRED' });
  });
});
