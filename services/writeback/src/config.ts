import { bool, int, str, url } from '@carerelay/config';

/** Variables of writeback beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const writebackConfigSchema = {
  REDIS_URL: url({ description: 'Redis holding the token vault', protocols: ['redis', 'rediss'] }),
  KEY_FILE: str({ description: 'local key file with the master key-encryption keys (0600)' }),
  KEY_FILE_CREATE: bool({
    description: 'create KEY_FILE with a new random key if missing (development only)',
    default: false,
  }),
  FHIR_BASE_URL: url({ description: "the EHR's FHIR R4 base URL", protocols: ['https', 'http'] }),
  SMART_CLIENT_ID: str({ description: 'SMART Backend Services client_id registered with the EHR' }),
  SMART_PRIVATE_KEY_FILE: str({
    description: 'private JWK (JSON file, RSA → RS384 or EC P-384 → ES384) signing the client assertion',
  }),
  WRITEBACK_MAX_ATTEMPTS: int({
    description:
      'attempts before a draft, alert or coding suggestion is dead-lettered (EHR 5xx and timeouts are retried)',
    min: 1,
    max: 20,
    default: 5,
  }),
  WRITEBACK_RETRY_INITIAL_MS: int({
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
export const writebackTransports = {
  https: ['FHIR_BASE_URL'],
  redis: ['REDIS_URL'],
} as const;
