import type { Redis } from 'ioredis';
import { decryptWithKey, encryptWithKey, type SealingKeys } from '@carerelay/crypto';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { TokenValue } from '../deid/token-map.js';

/** What re-identification needs for one task. Encrypted at rest. */
export interface VaultEntry {
  readonly tenantId: string;
  readonly taskId: string;
  readonly clientId: string;
  readonly tokens: Readonly<Record<string, TokenValue>>;
  readonly dateShiftDays: number | null;
  readonly createdAt: number;
  /**
   * `Type/id/_history/vid` of the EHR resources the task's context was built from (ai.task.v1
   * `sourceRefs`), so what writeback writes can name its sources (Observation.derivedFrom)
   * without a resource id ever travelling on a de-identified topic. Absent in older entries.
   */
  readonly sourceRefs?: readonly string[];
}

export interface TokenVault {
  /** Stores the entry (idempotent: same task → same key) and returns its key. */
  put(entry: VaultEntry, ttlSeconds: number): Promise<string>;
  get(tenantId: string, vaultKey: string): Promise<VaultEntry | undefined>;
  /** Deletes the entry; true when something was there. */
  purge(tenantId: string, vaultKey: string): Promise<boolean>;
}

export const vaultKeyOf = (tenantId: string, taskId: string): string => `vault:${tenantId}:${taskId}`;

function ownKey(tenantId: string, vaultKey: string): void {
  // One tenant can never read another's entry (ARCHITECTURE.md rule 7).
  if (!vaultKey.startsWith(`vault:${tenantId}:`)) {
    throw new CareRelayError('DEID_VAULT_FORBIDDEN', 'vault key belongs to another tenant', {
      retryable: false,
    });
  }
}

/** `CRV` + format version 2: a header naming the key that sealed the blob. */
const MAGIC = Buffer.from([0x43, 0x52, 0x56, 0x02]);

/** The AAD binds the blob to its vault key and to the key id in its header. */
const aadOf = (vaultKey: string, keyId: string): string => `${vaultKey}#${keyId}`;

/**
 * `MAGIC | keyIdLength(1) | keyId (utf8) | iv(12) | tag(16) | ciphertext`. A blob without
 * the header predates key ids: it was sealed by the key then active (`legacyKeyId`), with
 * the vault key alone as AAD.
 */
async function sealBlob(keys: SealingKeys, vaultKey: string, entry: VaultEntry): Promise<Buffer> {
  const { keyId, key } = await keyStep(() => keys.sealingKey(entry.tenantId, 'vault'));
  const id = Buffer.from(keyId, 'utf8');
  const sealed = encryptWithKey(key, Buffer.from(JSON.stringify(entry), 'utf8'), aadOf(vaultKey, keyId));
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, sealed]);
}

/** Splits a blob into the id of the key that sealed it, the sealed bytes and their AAD. */
function parseBlob(
  blob: Buffer,
  vaultKey: string,
  legacyKeyId: string,
): { keyId: string; sealed: Buffer; aad: string } {
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC))
    return { keyId: legacyKeyId, sealed: blob, aad: vaultKey };
  const idEnd = MAGIC.length + 1 + (blob[MAGIC.length] ?? 0);
  const keyId = blob.subarray(MAGIC.length + 1, idEnd).toString('utf8');
  return { keyId, sealed: blob.subarray(idEnd), aad: aadOf(vaultKey, keyId) };
}

async function openBlob(
  keys: SealingKeys,
  tenantId: string,
  vaultKey: string,
  blob: Buffer,
): Promise<VaultEntry> {
  const { keyId, sealed, aad } = parseBlob(blob, vaultKey, keys.legacyKeyId);
  const key = await keyStep(() => keys.openingKey(tenantId, 'vault', keyId));
  return JSON.parse(decryptWithKey(key, sealed, aad).toString('utf8')) as VaultEntry;
}

/** A retired key is final (the entry can never open); any other key failure is retryable. */
async function keyStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (toCareRelayError(cause).code === 'CRYPTO_KEY_RETIRED') throw cause;
    throw new CareRelayError('DEID_KEY_UNAVAILABLE', 'vault key unavailable', { retryable: true, cause });
  }
}

/**
 * Values are sealed with AES-256-GCM under a per-tenant vault key of the active master
 * (SealingKeys), whose id is in the blob's header; bound to the entry's key and that id as
 * AAD. After a rotation, entries open with the key that sealed them until it is retired
 * (CRYPTO_KEY_RETIRED). Any Redis or other key failure is retryable: callers publish nothing.
 */
export class RedisTokenVault implements TokenVault {
  constructor(
    private readonly redis: Redis,
    private readonly keys: SealingKeys,
    private readonly prefix = 'carerelay:',
  ) {}

  async put(entry: VaultEntry, ttlSeconds: number): Promise<string> {
    const vaultKey = vaultKeyOf(entry.tenantId, entry.taskId);
    const sealed = await sealBlob(this.keys, vaultKey, entry);
    await this.call('write', () => this.redis.set(this.prefix + vaultKey, sealed, 'EX', ttlSeconds));
    return vaultKey;
  }

  async get(tenantId: string, vaultKey: string): Promise<VaultEntry | undefined> {
    ownKey(tenantId, vaultKey);
    const sealed = await this.call('read', () => this.redis.getBuffer(this.prefix + vaultKey));
    if (!sealed) return undefined;
    return openBlob(this.keys, tenantId, vaultKey, sealed);
  }

  async purge(tenantId: string, vaultKey: string): Promise<boolean> {
    ownKey(tenantId, vaultKey);
    return (await this.call('purge', () => this.redis.del(this.prefix + vaultKey))) > 0;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new CareRelayError('DEID_VAULT_UNAVAILABLE', `token vault ${what} failed`, {
        retryable: true,
        cause,
      });
    }
  }
}

/** The embedded default's vault: same sealing, kept in process memory with expiry. */
export class InMemoryTokenVault implements TokenVault {
  private readonly entries = new Map<string, { sealed: Buffer; expiresAt: number }>();

  constructor(private readonly keys: SealingKeys) {}

  async put(entry: VaultEntry, ttlSeconds: number): Promise<string> {
    const vaultKey = vaultKeyOf(entry.tenantId, entry.taskId);
    this.entries.set(vaultKey, {
      sealed: await sealBlob(this.keys, vaultKey, entry),
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
    return vaultKey;
  }

  async get(tenantId: string, vaultKey: string): Promise<VaultEntry | undefined> {
    ownKey(tenantId, vaultKey);
    const found = this.entries.get(vaultKey);
    if (!found || found.expiresAt <= Date.now()) {
      this.entries.delete(vaultKey);
      return undefined;
    }
    return openBlob(this.keys, tenantId, vaultKey, found.sealed);
  }

  purge(tenantId: string, vaultKey: string): Promise<boolean> {
    ownKey(tenantId, vaultKey);
    return Promise.resolve(this.entries.delete(vaultKey));
  }
}
