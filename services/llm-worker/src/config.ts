import { int, list, oneOf, str, url } from '@carerelay/config';

/**
 * Prompt tokens of one call before a chart summary is summarized in pieces: well inside the
 * context window of current deployments (128k), where long inputs are still read reliably.
 */
export const DEFAULT_SUMMARY_CHUNK_TOKENS = 24_000;

/** Variables of the llm-worker beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const llmWorkerConfigSchema = {
  REDIS_URL: url({
    description: 'Redis for the shared rate limit and idempotency',
    protocols: ['redis', 'rediss'],
  }),
  FINGERPRINT_KEY_FILE: str({
    description:
      'per-tenant fingerprint keys for the outbound leak scan (carerelay keys export-fingerprint; 0600); never the master KEY_FILE',
  }),
  LLM_REDIS_PREFIX: str({
    description:
      "prefix of the worker's Redis keys (draft cache, claims, rate limit), apart from the vault's",
    default: 'carerelay-llm:',
  }),
  LLM_PROVIDER: oneOf(['azure-openai', 'openai-compatible', 'offline'], {
    description: 'model provider',
    default: 'offline',
  }),
  AZURE_OPENAI_ENDPOINT: url({
    description: 'Azure OpenAI resource endpoint',
    protocols: ['https', 'http'],
    optional: true,
  }),
  AZURE_OPENAI_API_KEY: str({
    description: 'Azure OpenAI key (omit to use Entra ID)',
    secret: true,
    optional: true,
  }),
  OPENAI_API_VERSION: str({ description: 'Azure OpenAI API version', default: '2024-10-21' }),
  AZURE_OPENAI_DEPLOYMENT: str({ description: 'default deployment', optional: true }),
  AZURE_OPENAI_DEPLOYMENTS: list({
    description: 'per use case deployments, use_case=deployment,...',
    optional: true,
  }),
  OPENAI_COMPATIBLE_BASE_URL: url({
    description: 'self-hosted OpenAI-compatible base URL (…/v1)',
    protocols: ['http', 'https'],
    optional: true,
  }),
  OPENAI_COMPATIBLE_MODEL: str({ description: 'model name at that endpoint', optional: true }),
  OPENAI_COMPATIBLE_API_KEY: str({ description: 'key for that endpoint', secret: true, optional: true }),
  LLM_TIMEOUT_MS: int({ description: 'timeout of one model call', min: 1_000, default: 60_000 }),
  LLM_MAX_TOKENS: int({ description: 'max completion tokens', min: 64, default: 2_000 }),
  LLM_SUMMARY_CHUNK_TOKENS: int({
    description:
      'prompt tokens of one model call; a longer chart summary is summarized in pieces of consecutive notes (map), then drafted over the partial summaries (reduce)',
    min: 1_000,
    default: DEFAULT_SUMMARY_CHUNK_TOKENS,
  }),
  LLM_CALL_ATTEMPTS: int({
    description: 'HTTP attempts per delivery (429/5xx/timeouts)',
    min: 1,
    max: 10,
    default: 4,
  }),
  LLM_RETRY_INITIAL_MS: int({ description: 'first backoff (doubles, with jitter)', min: 1, default: 500 }),
  LLM_MAX_RETRY_AFTER_MS: int({
    description: 'longest Retry-After waited in process',
    min: 0,
    default: 30_000,
  }),
  LLM_RATE_RPM: int({ description: 'requests per minute, shared by all instances', min: 1, default: 60 }),
  LLM_RATE_TPM: int({ description: 'tokens per minute, shared (0 = none)', min: 0, default: 0 }),
  LLM_RATE_WINDOW_MS: int({ description: 'rate window (tests shorten it)', min: 100, default: 60_000 }),
  LLM_RATE_MAX_WAIT_MS: int({
    description: 'longest wait for a rate slot before retrying later',
    min: 0,
    default: 30_000,
  }),
  LLM_CIRCUIT_THRESHOLD: int({
    description: 'consecutive failures that open a deployment circuit',
    min: 1,
    default: 5,
  }),
  LLM_CIRCUIT_RESET_MS: int({
    description: 'how long an open circuit fails fast',
    min: 100,
    default: 30_000,
  }),
  LLM_DELIVERY_ATTEMPTS: int({
    description: 'deliveries before a request is dead-lettered',
    min: 1,
    default: 3,
  }),
  LLM_IDEMPOTENCY_TTL_SECONDS: int({
    description: "how long a task's draft is cached against redelivery",
    min: 60,
    default: 7 * 24 * 3600,
  }),
} as const;

/**
 * The variables CARERELAY_PROFILE=production requires to be encrypted and verified, checked
 * at start before any connection (ServiceTransports in @carerelay/runtime production-profile.ts;
 * runServiceMain type-checks the names against the schema).
 */
export const llmWorkerTransports = {
  https: ['AZURE_OPENAI_ENDPOINT', 'OPENAI_COMPATIBLE_BASE_URL'],
  redis: ['REDIS_URL'],
} as const;
