import { bool, int, str, url } from '@carerelay/config';

/** Variables of the deidentifier beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const deidentifierConfigSchema = {
  REDIS_URL: url({ description: 'Redis holding the token vault', protocols: ['redis', 'rediss'] }),
  KEY_FILE: str({ description: 'local key file with the master key-encryption keys (0600)' }),
  KEY_FILE_CREATE: bool({
    description: 'create KEY_FILE with a new random key if missing (development only)',
    default: false,
  }),
  VAULT_TTL_SECONDS: int({
    description: "how long a task's token vault entry lives",
    min: 60,
    default: 7 * 24 * 3600,
  }),
  DEID_DATE_SHIFT: bool({
    description: 'shift full dates by a per-client offset instead of tokenizing them',
    default: false,
  }),
  DEID_MAX_ATTEMPTS: int({
    description: 'attempts before a task is dead-lettered',
    min: 1,
    max: 20,
    default: 5,
  }),
  DEID_RETRY_INITIAL_MS: int({
    description: 'first retry delay (doubles, with jitter)',
    min: 1,
    default: 500,
  }),
} as const;

/**
 * The variables CARERELAY_PROFILE=production requires to be encrypted and verified, checked
 * at start before any connection (ServiceTransports in @carerelay/runtime production-profile.ts;
 * runServiceMain type-checks the names against the schema).
 */
export const deidentifierTransports = { redis: ['REDIS_URL'] } as const;
