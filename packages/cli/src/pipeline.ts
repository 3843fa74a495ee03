import { loadDefaults } from '@carerelay/config';
import { FingerprintKeyProvider, type LocalKeyProvider } from '@carerelay/crypto';
import type { AlertAcknowledgement, EhrAdapter, FhirClient, SignedNote } from '@carerelay/ehr';
import type { ModelClient } from '@carerelay/llm';
import type { TokenVault } from '@carerelay/phi';
import type { ServiceApp, ServiceContext } from '@carerelay/runtime';
import { createCoderApp } from '@carerelay/service-coder';
import { createDeidentifierApp, deidentifierConfigSchema } from '@carerelay/service-deidentifier';
import {
  createEhrConnectorApp,
  ehrConnectorConfigSchema,
  InMemoryTaskClaims,
  type ConnectorPolicyOptions,
  type FhirChangePoller,
} from '@carerelay/service-ehr-connector';
import {
  createLlmWorkerApp,
  InMemoryDraftCache,
  InMemoryRateGate,
  llmWorkerConfigSchema,
} from '@carerelay/service-llm-worker';
import { createRiskScannerApp } from '@carerelay/service-risk-scanner';
import { createWritebackApp, writebackConfigSchema } from '@carerelay/service-writeback';

/** What one in-process pipeline runs against: an EHR, a model, one tenant's keys and vault. */
export interface PipelineOptions {
  readonly tenantId: string;
  readonly keys: LocalKeyProvider;
  /** One vault for the process: the deidentifier writes it, writeback reads and purges it. */
  readonly vault: TokenVault;
  readonly adapter: EhrAdapter;
  readonly writer: Pick<FhirClient, 'createIfNoneExist' | 'search'>;
  /** Recorded as the recipient of each write-back disclosure. */
  readonly ehrEndpoint: string;
  readonly model: ModelClient;
  readonly deployment: string;
  readonly policy?: ConnectorPolicyOptions;
  readonly signedNote?: (documentId: string) => Promise<SignedNote | undefined>;
  readonly alertAcknowledgement?: (
    taskId: string,
    versionId: string | null,
  ) => Promise<AlertAcknowledgement | undefined>;
  readonly poller?: FhirChangePoller;
  /** The services' variables (their defaults apply to anything unset). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type ServiceFactory = (context: ServiceContext) => ServiceApp;

/**
 * The pipeline services composed in one process, each from its own configuration defaults
 * (overridable by the same variables as in distributed mode): the embedded default and
 * `carerelay draft` run these, not copies of their steps. Distributed-only stores (Redis
 * claims, vault, rate limiter) are replaced by their in-memory implementations.
 */
export function pipelineFactories(options: PipelineOptions): {
  readonly connector: ServiceFactory;
  readonly deidentifier: ServiceFactory;
  readonly llmWorker: ServiceFactory;
  readonly riskScanner: ServiceFactory;
  readonly coder: ServiceFactory;
  readonly writeback: ServiceFactory;
} {
  const env = options.env ?? process.env;
  const connector = loadDefaults(ehrConnectorConfigSchema, env);
  const deid = loadDefaults(deidentifierConfigSchema, env);
  const llm = loadDefaults(llmWorkerConfigSchema, env);
  const writeback = loadDefaults(writebackConfigSchema, env);
  const { keys, vault, tenantId } = options;
  return {
    connector: (context) =>
      createEhrConnectorApp(context, {
        tenantId,
        adapter: options.adapter,
        keys,
        // One process: the task claims live in memory, like the vault and the cursors.
        claims: new InMemoryTaskClaims(connector.TASK_CLAIM_TTL_SECONDS),
        noteFormat: connector.NOTE_FORMAT,
        maxAttempts: connector.CONNECTOR_MAX_ATTEMPTS,
        retryInitialMs: connector.CONNECTOR_RETRY_INITIAL_MS,
        policy: {
          aiConsentRequired: connector.AI_CONSENT_REQUIRED,
          consentRecipients: connector.CONSENT_RECIPIENTS,
          consentCacheTtlMs: connector.CONSENT_CACHE_TTL_MS,
          breakGlassTtlSeconds: connector.BREAK_GLASS_TTL_SECONDS,
          ...options.policy,
        },
        ...(options.signedNote ? { signedNote: options.signedNote } : {}),
        ...(options.alertAcknowledgement ? { alertAcknowledgement: options.alertAcknowledgement } : {}),
        ...(options.poller && connector.POLL_INTERVAL_MS > 0
          ? { polling: { poller: options.poller, intervalMs: connector.POLL_INTERVAL_MS } }
          : {}),
      }),
    deidentifier: (context) =>
      createDeidentifierApp(context, {
        keys,
        vault,
        vaultTtlSeconds: deid.VAULT_TTL_SECONDS,
        dateShift: deid.DEID_DATE_SHIFT,
        maxAttempts: deid.DEID_MAX_ATTEMPTS,
        retryInitialMs: deid.DEID_RETRY_INITIAL_MS,
      }),
    llmWorker: (context) =>
      createLlmWorkerApp(context, {
        model: options.model,
        deploymentFor: () => options.deployment,
        // As in distributed mode, the worker holds only the tenant's fingerprint key.
        keys: FingerprintKeyProvider.fromExport(keys.exportFingerprintKeys([tenantId])),
        limiter: new InMemoryRateGate({
          requestsPerMinute: llm.LLM_RATE_RPM,
          tokensPerMinute: llm.LLM_RATE_TPM,
        }),
        drafts: new InMemoryDraftCache(),
        rateMaxWaitMs: llm.LLM_RATE_MAX_WAIT_MS,
        callAttempts: llm.LLM_CALL_ATTEMPTS,
        retryInitialMs: llm.LLM_RETRY_INITIAL_MS,
        maxRetryAfterMs: llm.LLM_MAX_RETRY_AFTER_MS,
        circuit: { threshold: llm.LLM_CIRCUIT_THRESHOLD, resetMs: llm.LLM_CIRCUIT_RESET_MS },
        deliveryAttempts: llm.LLM_DELIVERY_ATTEMPTS,
        timeoutMs: llm.LLM_TIMEOUT_MS,
        maxTokens: llm.LLM_MAX_TOKENS,
        summaryChunkTokens: llm.LLM_SUMMARY_CHUNK_TOKENS,
      }),
    riskScanner: createRiskScannerApp,
    coder: createCoderApp,
    writeback: (context) =>
      createWritebackApp(context, {
        vault,
        keys,
        fhir: options.writer,
        ehrEndpoint: options.ehrEndpoint,
        maxAttempts: writeback.WRITEBACK_MAX_ATTEMPTS,
        retryInitialMs: writeback.WRITEBACK_RETRY_INITIAL_MS,
      }),
  };
}
