export { LocalKeyProvider } from './key-provider.js';
export type { KeyProvider } from './key-provider.js';
export { sealEnvelope, openEnvelope } from './envelope.js';
export { encryptWithKey, decryptWithKey, keyedHash, hmacHex } from './symmetric.js';
