import type { Redis } from 'ioredis';
import { decryptWithKey, encryptWithKey, type KeyProvider } from '@carerelay/crypto';
import { CareRelayError } from '@carerelay/errors';
import type { TokenValue } from '../deid/token-map.js';

/** What re-identification needs for one task. Encrypted at rest. */
export interface VaultEntry {
  readonly tenantId: string;
  readonly taskId: string;
  readonly clientId: string;
  readonly tokens: Readonly<Record<string, TokenValue>>;
  readonly dateShiftDays: number | null;
  readonly createdAt: number;
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

/**
 * Values are sealed with AES-256-GCM under a per-tenant key (KeyProvider
 * `deriveKey(tenant, 'vault')`), bound to the entry's key as AAD. Any Redis or
 * key failure is DEID_VAULT_UNAVAILABLE, retryable: callers publish nothing.
 */
export class RedisTokenVault implements TokenVault {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyProvider,
    private readonly prefix = 'carerelay:',
  ) {}

  async put(entry: VaultEntry, ttlSeconds: number): Promise<string> {
    const vaultKey = vaultKeyOf(entry.tenantId, entry.taskId);
    const sealed = await this.seal(entry.tenantId, vaultKey, entry);
    await this.call('write', () => this.redis.set(this.prefix + vaultKey, sealed, 'EX', ttlSeconds));
    return vaultKey;
  }

  async get(tenantId: string, vaultKey: string): Promise<VaultEntry | undefined> {
    ownKey(tenantId, vaultKey);
    const sealed = await this.call('read', () => this.redis.getBuffer(this.prefix + vaultKey));
    if (!sealed) return undefined;
    const key = await this.tenantKey(tenantId);
    return JSON.parse(decryptWithKey(key, sealed, vaultKey).toString('utf8')) as VaultEntry;
  }

  async purge(tenantId: string, vaultKey: string): Promise<boolean> {
    ownKey(tenantId, vaultKey);
    return (await this.call('purge', () => this.redis.del(this.prefix + vaultKey))) > 0;
  }

  private async seal(tenantId: string, vaultKey: string, entry: VaultEntry): Promise<Buffer> {
    return encryptWithKey(
      await this.tenantKey(tenantId),
      Buffer.from(JSON.stringify(entry), 'utf8'),
      vaultKey,
    );
  }

  private async tenantKey(tenantId: string): Promise<Buffer> {
    try {
      return await this.keys.deriveKey(tenantId, 'vault');
    } catch (cause) {
      throw new CareRelayError('DEID_KEY_UNAVAILABLE', 'vault key unavailable', { retryable: true, cause });
    }
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

  constructor(private readonly keys: KeyProvider) {}

  async put(entry: VaultEntry, ttlSeconds: number): Promise<string> {
    const vaultKey = vaultKeyOf(entry.tenantId, entry.taskId);
    const key = await this.keys.deriveKey(entry.tenantId, 'vault');
    this.entries.set(vaultKey, {
      sealed: encryptWithKey(key, Buffer.from(JSON.stringify(entry), 'utf8'), vaultKey),
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
    const key = await this.keys.deriveKey(tenantId, 'vault');
    return JSON.parse(decryptWithKey(key, found.sealed, vaultKey).toString('utf8')) as VaultEntry;
  }

  purge(tenantId: string, vaultKey: string): Promise<boolean> {
    ownKey(tenantId, vaultKey);
    return Promise.resolve(this.entries.delete(vaultKey));
  }
}
