import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import type { EncryptedEnvelope } from '@carerelay/events';
import type { KeyProvider } from './key-provider.js';

const ALGORITHM = 'AES-256-GCM';

/**
 * Envelope encryption (ARCHITECTURE.md rule 1): a fresh 256-bit data key per
 * message encrypts the content; the tenant's key-encryption key wraps the data
 * key. `aad` binds the ciphertext to its context (tenant and task), so an
 * envelope moved to another task or tenant fails authentication.
 */
export async function sealEnvelope(
  plaintext: Buffer,
  { tenantId, aad, keys }: { tenantId: string; aad: string; keys: KeyProvider },
): Promise<EncryptedEnvelope> {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const { keyId, wrapped } = await keys.wrapKey(tenantId, dataKey);
  dataKey.fill(0);
  return {
    algorithm: ALGORITHM,
    keyId,
    wrappedDataKey: wrapped,
    iv,
    authTag: cipher.getAuthTag(),
    ciphertext,
  };
}

export async function openEnvelope(
  envelope: EncryptedEnvelope,
  { tenantId, aad, keys }: { tenantId: string; aad: string; keys: KeyProvider },
): Promise<Buffer> {
  if (envelope.algorithm !== ALGORITHM) {
    throw new CareRelayError(
      'CRYPTO_UNSUPPORTED',
      `envelope algorithm ${envelope.algorithm} is not supported`,
    );
  }
  const dataKey = await keys.unwrapKey(tenantId, envelope.keyId, envelope.wrappedDataKey);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, envelope.iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(envelope.authTag);
    return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  } catch (cause) {
    throw new CareRelayError(
      'CRYPTO_DECRYPT_FAILED',
      'envelope failed authentication (tampered, or wrong task/tenant)',
      {
        retryable: false,
        cause,
      },
    );
  } finally {
    dataKey.fill(0);
  }
}
