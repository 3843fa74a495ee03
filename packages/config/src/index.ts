export { loadConfig, loadDefaults, ConfigError, str, int, bool, url, list, oneOf } from './load-config.js';
export type { ConfigSchema, ConfigOf, VarSpec } from './load-config.js';
export { configFingerprint, SET, UNSET } from './fingerprint.js';
export type { ConfigFingerprint } from './fingerprint.js';
