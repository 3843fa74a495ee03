import { CareRelayError } from '@carerelay/errors';
import { readFingerprintKeyFile, type FingerprintKeyFile, type StablePurpose } from './key-file.js';
import { outOfScope, type KeyProvider } from './key-provider.js';

const HOLDER = 'a fingerprint key provider (llm-worker)';

/**
 * The llm-worker's keys: one fingerprint key per tenant, exported from the master file
 * (`carerelay keys export-fingerprint`). It holds no master and no identity root, so it
 * cannot derive vault, key-encryption, pseudonym or date-shift keys, whatever it is asked.
 */
export class FingerprintKeyProvider implements KeyProvider {
  private readonly keys: ReadonlyMap<string, Buffer>;

  private constructor(file: FingerprintKeyFile) {
    this.keys = new Map(Object.entries(file.tenants).map(([t, s]) => [t, Buffer.from(s, 'base64')]));
  }

  /** Loads a fingerprint key file (0600, owned by the service user); refuses a master key file. */
  static fromFile(path: string): FingerprintKeyProvider {
    return new FingerprintKeyProvider(readFingerprintKeyFile(path));
  }

  static fromExport(file: FingerprintKeyFile): FingerprintKeyProvider {
    return new FingerprintKeyProvider(file);
  }

  wrapKey(): Promise<{ keyId: string; wrapped: Buffer }> {
    return Promise.reject(outOfScope('kek', HOLDER));
  }

  unwrapKey(): Promise<Buffer> {
    return Promise.reject(outOfScope('kek', HOLDER));
  }

  deriveKey(tenantId: string, purpose: StablePurpose): Promise<Buffer> {
    if (purpose !== 'fingerprint') return Promise.reject(outOfScope(purpose, HOLDER));
    const key = this.keys.get(tenantId);
    if (!key) {
      // Retryable: an operator exports the tenant's key, then the request goes through.
      return Promise.reject(
        new CareRelayError(
          'CRYPTO_KEY_UNAVAILABLE',
          `no fingerprint key for tenant ${tenantId}: export it with carerelay keys export-fingerprint`,
          { retryable: true },
        ),
      );
    }
    return Promise.resolve(Buffer.from(key));
  }
}
