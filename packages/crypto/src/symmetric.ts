import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';

/** AES-256-GCM with the key given: `iv(12) | tag(16) | ciphertext`, bound to `aad`. */
export function encryptWithKey(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decryptWithKey(key: Buffer, sealed: Buffer, aad: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  } catch (cause) {
    throw new CareRelayError('CRYPTO_DECRYPT_FAILED', 'sealed value failed authentication', {
      retryable: false,
      cause,
    });
  }
}

/** HMAC-SHA256, base64url: keyed, so pseudonyms and fingerprints cannot be reversed by guessing inputs. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** HMAC-SHA256 hex, for webhook signatures and similar. */
export function hmacHex(key: Buffer | string, value: Buffer | string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}
