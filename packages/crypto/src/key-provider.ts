import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CareRelayError } from '@carerelay/errors';
import {
  deriveTenantKey,
  exportFingerprintKeys,
  identityOf,
  newKeyFile,
  readKeyFile,
  STABLE_PURPOSES,
  writeKeyFile,
  type EncryptionPurpose,
  type FingerprintKeyFile,
  type KeyFile,
  type StablePurpose,
} from './key-file.js';

/**
 * Where key-encryption keys live. The local file provider is the default; a cloud
 * KMS (Azure Key Vault) implements the same interface in production
 * (ARCHITECTURE.md rule 1). Every key is per tenant (rule 7).
 */
export interface KeyProvider {
  /** Wraps a data key under the tenant's current key-encryption key. */
  wrapKey(tenantId: string, dataKey: Buffer): Promise<{ keyId: string; wrapped: Buffer }>;
  /** Unwraps with the key `keyId` names (CRYPTO_KEY_RETIRED once that key is gone). */
  unwrapKey(tenantId: string, keyId: string, wrapped: Buffer): Promise<Buffer>;
  /** A 32-byte per-tenant key that never rotates: pseudonyms, date shifts, fingerprints. */
  deriveKey(tenantId: string, purpose: StablePurpose): Promise<Buffer>;
}

/** Rotating per-tenant encryption keys for data sealed directly (the token vault). */
export interface SealingKeys {
  /** The key that seals new data now, and its id (recorded with the data). */
  sealingKey(tenantId: string, purpose: EncryptionPurpose): Promise<{ keyId: string; key: Buffer }>;
  /** The key with that id, while it is in the key file (else CRYPTO_KEY_RETIRED). */
  openingKey(tenantId: string, purpose: EncryptionPurpose, keyId: string): Promise<Buffer>;
  /** The id that sealed data written before key ids were recorded. */
  readonly legacyKeyId: string;
}

const WRAP_IV = 12;
const TAG = 16;

export const outOfScope = (purpose: string, holder: string): CareRelayError =>
  new CareRelayError('CRYPTO_KEY_OUT_OF_SCOPE', `${holder} cannot derive '${purpose}' keys`, {
    retryable: false,
  });

/**
 * Master keys in a local JSON file (0600, see key-file.ts). Per-tenant keys are derived
 * with HKDF-SHA256 (salt = tenant id), so one file serves every tenant and no tenant's
 * key opens another's data. Encryption keys (`kek`, `vault`) come from the master named
 * by the data's key id, new data from `active`; stable keys (pseudonym, date shift,
 * fingerprint) come from the identity root, which rotation never changes.
 */
export class LocalKeyProvider implements KeyProvider, SealingKeys {
  private readonly masters: Map<string, Buffer>;
  private readonly identity: Buffer;
  readonly legacyKeyId: string;

  private constructor(private readonly file: KeyFile) {
    this.masters = new Map(file.keys.map((k) => [k.id, Buffer.from(k.secret, 'base64')]));
    const identity = identityOf(file);
    this.identity = Buffer.from(identity.secret, 'base64');
    this.legacyKeyId = identity.id;
  }

  /**
   * Loads the key file, refusing one that group or others can access or that another user
   * owns; with `create`, first writes a new one if it is missing.
   */
  static fromFile(path: string, options: { create?: boolean } = {}): LocalKeyProvider {
    if (options.create && !existsSync(path)) writeKeyFile(path, newKeyFile());
    return new LocalKeyProvider(readKeyFile(path));
  }

  /** For tests and the embedded default: in-memory keys. */
  static ephemeral(): LocalKeyProvider {
    return new LocalKeyProvider(newKeyFile());
  }

  /** The llm-worker's share of these keys: each named tenant's fingerprint key, nothing else. */
  exportFingerprintKeys(tenants: readonly string[]): FingerprintKeyFile {
    return exportFingerprintKeys(this.file, tenants);
  }

  /** The key id that wraps and seals new data. */
  get activeKeyId(): string {
    return this.file.active;
  }

  private tenantKey(masterId: string, tenantId: string, purpose: EncryptionPurpose): Buffer {
    const master = this.masters.get(masterId);
    if (!master) {
      throw new CareRelayError(
        'CRYPTO_KEY_RETIRED',
        `key ${masterId} is not in the key file (retired or never issued): data sealed with it cannot be opened`,
        { retryable: false, details: { keyId: masterId } },
      );
    }
    return deriveTenantKey(master, tenantId, purpose);
  }

  wrapKey(tenantId: string, dataKey: Buffer): Promise<{ keyId: string; wrapped: Buffer }> {
    const kek = this.tenantKey(this.file.active, tenantId, 'kek');
    const iv = randomBytes(WRAP_IV);
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(Buffer.from(tenantId, 'utf8'));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Promise.resolve({
      keyId: this.file.active,
      wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]),
    });
  }

  unwrapKey(tenantId: string, keyId: string, wrapped: Buffer): Promise<Buffer> {
    try {
      const kek = this.tenantKey(keyId, tenantId, 'kek');
      const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, WRAP_IV));
      decipher.setAAD(Buffer.from(tenantId, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(WRAP_IV, WRAP_IV + TAG));
      return Promise.resolve(
        Buffer.concat([decipher.update(wrapped.subarray(WRAP_IV + TAG)), decipher.final()]),
      );
    } catch (cause) {
      if (cause instanceof CareRelayError) return Promise.reject(cause);
      return Promise.reject(
        new CareRelayError('CRYPTO_UNWRAP_FAILED', 'data key does not unwrap for this tenant', {
          retryable: false,
          cause,
        }),
      );
    }
  }

  sealingKey(tenantId: string, purpose: EncryptionPurpose): Promise<{ keyId: string; key: Buffer }> {
    return Promise.resolve({
      keyId: this.file.active,
      key: this.tenantKey(this.file.active, tenantId, purpose),
    });
  }

  openingKey(tenantId: string, purpose: EncryptionPurpose, keyId: string): Promise<Buffer> {
    return Promise.resolve().then(() => this.tenantKey(keyId, tenantId, purpose));
  }

  deriveKey(tenantId: string, purpose: StablePurpose): Promise<Buffer> {
    // Encryption keys rotate: they are reached through sealingKey/openingKey with a key id.
    if (!STABLE_PURPOSES.includes(purpose)) return Promise.reject(outOfScope(purpose, 'deriveKey'));
    return Promise.resolve(deriveTenantKey(this.identity, tenantId, purpose));
  }
}
