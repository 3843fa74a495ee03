export { LocalKeyProvider } from './key-provider.js';
export type { KeyProvider, SealingKeys } from './key-provider.js';
export { FingerprintKeyProvider } from './fingerprint-keys.js';
export {
  assertPrivateKeyFile,
  exportFingerprintKeys,
  readFingerprintKeyFile,
  readKeyFile,
  retireKey,
  rotateKeyFile,
  writeKeyFile,
} from './key-file.js';
export type { EncryptionPurpose, FingerprintKeyFile, KeyEntry, KeyFile, StablePurpose } from './key-file.js';
export { sealEnvelope, openEnvelope } from './envelope.js';
export { encryptWithKey, decryptWithKey, keyedHash, hmacHex } from './symmetric.js';
