import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CareRelayError } from '@carerelay/errors';

/**
 * Where key-encryption keys live. The local file provider is the default; a cloud
 * KMS (Azure Key Vault) implements the same interface in production
 * (ARCHITECTURE.md rule 1). Every key is per tenant (rule 7).
 */
export interface KeyProvider {
  /** Wraps a data key under the tenant's current key-encryption key. */
  wrapKey(tenantId: string, dataKey: Buffer): Promise<{ keyId: string; wrapped: Buffer }>;
  unwrapKey(tenantId: string, keyId: string, wrapped: Buffer): Promise<Buffer>;
  /** A 32-byte per-tenant key for one purpose (vault encryption, pseudonyms, fingerprints). */
  deriveKey(tenantId: string, purpose: string): Promise<Buffer>;
}

interface KeyFile {
  readonly version: 1;
  readonly active: string;
  readonly keys: ReadonlyArray<{ readonly id: string; readonly secret: string; readonly createdAt: string }>;
}

const WRAP_IV = 12;
const TAG = 16;

/**
 * Master keys in a local JSON file (0600). Per-tenant keys are derived with
 * HKDF-SHA256 (salt = tenant id), so one file serves every tenant and no tenant's
 * key opens another's data. Old master keys stay in the file for unwrapping after
 * a rotation; new wraps use `active`.
 */
export class LocalKeyProvider implements KeyProvider {
  private readonly masters: Map<string, Buffer>;

  private constructor(private readonly file: KeyFile) {
    this.masters = new Map(file.keys.map((k) => [k.id, Buffer.from(k.secret, 'base64')]));
    for (const [id, key] of this.masters) {
      if (key.length !== 32)
        throw new CareRelayError('CRYPTO_BAD_KEY_FILE', `master key ${id} is not 32 bytes`);
    }
    if (!this.masters.has(file.active)) {
      throw new CareRelayError('CRYPTO_BAD_KEY_FILE', `active key ${file.active} is not in the key file`);
    }
  }

  /** Loads the key file; with `create`, writes a new one (random 256-bit master) if it is missing. */
  static fromFile(path: string, options: { create?: boolean } = {}): LocalKeyProvider {
    if (!existsSync(path)) {
      if (!options.create)
        throw new CareRelayError('CRYPTO_KEY_UNAVAILABLE', `key file ${path} does not exist`, {
          retryable: true,
        });
      mkdirSync(dirname(path), { recursive: true });
      const file: KeyFile = {
        version: 1,
        active: 'k1',
        keys: [{ id: 'k1', secret: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }],
      };
      writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    try {
      return new LocalKeyProvider(JSON.parse(readFileSync(path, 'utf8')) as KeyFile);
    } catch (cause) {
      if (cause instanceof CareRelayError) throw cause;
      throw new CareRelayError('CRYPTO_BAD_KEY_FILE', `key file ${path} is unreadable`, { cause });
    }
  }

  /** For tests and the embedded default: an in-memory master key. */
  static ephemeral(): LocalKeyProvider {
    return new LocalKeyProvider({
      version: 1,
      active: 'ephemeral',
      keys: [
        { id: 'ephemeral', secret: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() },
      ],
    });
  }

  private tenantKey(masterId: string, tenantId: string, purpose: string): Buffer {
    const master = this.masters.get(masterId);
    if (!master)
      throw new CareRelayError('CRYPTO_UNKNOWN_KEY', `key ${masterId} is not available`, {
        retryable: false,
      });
    return Buffer.from(
      hkdfSync('sha256', master, Buffer.from(tenantId, 'utf8'), `carerelay/${purpose}/v1`, 32),
    );
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
    const kek = this.tenantKey(keyId, tenantId, 'kek');
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, WRAP_IV));
      decipher.setAAD(Buffer.from(tenantId, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(WRAP_IV, WRAP_IV + TAG));
      return Promise.resolve(
        Buffer.concat([decipher.update(wrapped.subarray(WRAP_IV + TAG)), decipher.final()]),
      );
    } catch (cause) {
      return Promise.reject(
        new CareRelayError('CRYPTO_UNWRAP_FAILED', 'data key does not unwrap for this tenant', {
          retryable: false,
          cause,
        }),
      );
    }
  }

  deriveKey(tenantId: string, purpose: string): Promise<Buffer> {
    return Promise.resolve(this.tenantKey(this.file.active, tenantId, purpose));
  }
}
