import { bool, int, list, oneOf, str, url } from '@carerelay/config';
import { NOTE_FORMATS } from '@carerelay/policy';

/** Variables of the ehr-connector beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const ehrConnectorConfigSchema = {
  FHIR_BASE_URL: url({ description: 'FHIR R4 base URL of the EHR', protocols: ['https', 'http'] }),
  SMART_CLIENT_ID: str({ description: 'SMART Backend Services client id' }),
  SMART_PRIVATE_KEY_FILE: str({
    description: 'private JWK (JSON) the client assertion is signed with (RS384/ES384)',
  }),
  SMART_TOKEN_ENDPOINT: url({
    description: 'token endpoint (default: from .well-known/smart-configuration)',
    protocols: ['https', 'http'],
    optional: true,
  }),
  KEY_FILE: str({ description: 'local key file (envelope encryption of ai.task.v1 contexts)' }),
  KEY_FILE_CREATE: bool({ description: 'create KEY_FILE if missing (development only)', default: false }),
  NOTE_FORMAT: oneOf(NOTE_FORMATS, {
    description: 'note format drafted when a session ends',
    default: 'soap_note',
  }),
  TENANT_ID: str({ description: 'tenant (practice) this connector serves' }),
  REDIS_URL: url({
    description: 'Redis for the polling cursor and the task claims',
    protocols: ['redis', 'rediss'],
  }),
  POLL_INTERVAL_MS: int({
    description: 'pause between the end of a polling pass and the next (0 = no polling)',
    min: 0,
    default: 15_000,
  }),
  TASK_CLAIM_TTL_SECONDS: int({
    description:
      'how long a planned task stays claimed in Redis: changes for it (webhook, poll, edits) plan nothing new',
    min: 3600,
    default: 30 * 24 * 3600,
  }),
  INGRESS_HOST: str({ description: 'address the HTTP ingress binds to', default: '127.0.0.1' }),
  INGRESS_PORT: int({
    description: 'port of the HTTP ingress (webhooks, POST /v1/tasks); 0 = no ingress',
    min: 0,
    max: 65_535,
    default: 8080,
  }),
  WEBHOOK_SECRET_FILE: str({
    description: "file holding the tenant's webhook HMAC secret (enables POST /v1/webhooks/ehr)",
    optional: true,
  }),
  WEBHOOK_VENDOR: str({ description: 'vendor name recorded on webhook changes', default: 'webhook' }),
  AUTH_JWKS_URL: url({
    description: "JWKS of the practice's identity provider (enables POST /v1/tasks)",
    protocols: ['https', 'http'],
    optional: true,
  }),
  AUTH_PUBLIC_KEY_FILE: str({
    description: 'PEM public key user tokens are signed with (instead of AUTH_JWKS_URL)',
    optional: true,
  }),
  AUTH_ISSUER: str({ description: 'expected iss of user tokens', optional: true }),
  AUTH_AUDIENCE: str({ description: 'expected aud of user tokens', default: 'carerelay' }),
  IDEMPOTENCY_TTL_SECONDS: int({
    description: 'how long an Idempotency-Key of POST /v1/tasks stays bound to its request and answer',
    min: 60,
    default: 86_400,
  }),
  CONNECTOR_MAX_ATTEMPTS: int({
    description: 'attempts before a change is dead-lettered',
    min: 1,
    default: 5,
  }),
  CONNECTOR_RETRY_INITIAL_MS: int({
    description: 'first retry delay (doubles, with jitter)',
    min: 1,
    default: 500,
  }),
  // Policy inputs beyond the use-case catalogue (packages/policy/src/catalogue.ts).
  POLICY_ROLLOUT_FILE: str({
    description:
      'JSON rollout switches (phase, enable/disable, pilot groups per tenant); default: phase 2 for every tenant',
    optional: true,
  }),
  POLICY_ROLLOUT_RELOAD_MS: int({
    description: 'how often the rollout file is re-read; each change is audited as CONFIG_CHANGE (0 = never)',
    min: 0,
    default: 30_000,
  }),
  AI_CONSENT_REQUIRED: bool({
    description: "the practice requires the client's consent to AI-assisted processing (a FHIR Consent)",
    default: false,
  }),
  CONSENT_RECIPIENTS: list({
    description:
      'references a consent may name as recipient (provision.actor IRCP) for this practice, e.g. Organization/practice-1',
    default: [],
  }),
  CONSENT_CACHE_TTL_MS: int({
    description: "how long a client's Consents are cached (a Consent change drops them at once)",
    min: 0,
    default: 60_000,
  }),
  PART2_PROGRAMS: list({
    description:
      'Organizations (Organization/<id>) that are 42 CFR Part 2 programs: their records are Part 2',
    default: [],
  }),
  BREAK_GLASS_TTL_SECONDS: int({
    description: "how long a clinician's break-glass grant lasts",
    min: 60,
    max: 24 * 3600,
    default: 3600,
  }),
} as const;

/**
 * The variables CARERELAY_PROFILE=production requires to be encrypted and verified, checked
 * at start before any connection (ServiceTransports in @carerelay/runtime production-profile.ts;
 * runServiceMain type-checks the names against the schema).
 */
export const ehrConnectorTransports = {
  https: ['FHIR_BASE_URL', 'SMART_TOKEN_ENDPOINT', 'AUTH_JWKS_URL'],
  redis: ['REDIS_URL'],
} as const;
