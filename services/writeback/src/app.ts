import { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import type { KeyProvider } from '@carerelay/crypto';
import type { FhirClient } from '@carerelay/ehr';
import {
  aiDraftTopic,
  auditEventTopic,
  codingSuggestionTopic,
  ehrWritebackTopic,
  riskAlertTopic,
  type TopicContract,
} from '@carerelay/events';
import type { TokenVault } from '@carerelay/phi';
import { createConsumerApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';
import { writeAlert } from './handlers/write-alert.js';
import { writeCodingSuggestion } from './handlers/write-coding.js';
import { writeDraft } from './handlers/write-draft.js';
import type { WritebackDeps } from './handlers/writeback-support.js';

export const SERVICE_NAME = 'writeback';

export interface WritebackOptions {
  /** The same vault the deidentifier wrote (Redis, or the embedded in-memory one). */
  readonly vault: TokenVault;
  /** Derives the tenant's 'pseudonym' key: each event's subjectRef must be its client's pseudonym. */
  readonly keys: Pick<KeyProvider, 'deriveKey'>;
  readonly fhir: Pick<FhirClient, 'createIfNoneExist' | 'search'>;
  /** FHIR base URL, recorded as the recipient of each disclosure. */
  readonly ehrEndpoint: string;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  /**
   * Consumer group of ai.draft.v1 (default `writeback`); the other topics use
   * `<groupId>.risk-alert` and `<groupId>.coding-suggestion`.
   */
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
  /** Releases what the composition root opened (Redis connection). */
  readonly close?: () => Promise<void>;
  readonly now?: () => number;
}

/** One subscription of writeback: a topic, its consumer group suffix and its handler. */
interface Consumption<T> {
  readonly topic: TopicContract<T>;
  /** Appended to the base group id; none for ai.draft.v1, which keeps the service's historical group. */
  readonly groupSuffix?: string;
  readonly handle: (delivery: Delivery<T>, deps: WritebackDeps) => Promise<void>;
}

/**
 * writeback: ai.draft.v1, risk.alert.v1 and coding.suggestion.v1 → EHR records
 * (preliminary DocumentReference; Flag and Task; draft Claim) → ehr.writeback.v1.
 * createConsumerApp takes one topic, so each topic gets its own consumer app and
 * group (a slow EHR write of one kind never holds back the others' offsets);
 * this app starts, stops and reports them as one service.
 */
export function createWritebackApp(context: ServiceContext, options: WritebackOptions): ServiceApp {
  const audit = new AuditTrail(context.bus, SERVICE_NAME);
  const logger = context.logger.child({ component: SERVICE_NAME });
  const baseGroup = options.groupId ?? SERVICE_NAME;
  const produces = [ehrWritebackTopic, auditEventTopic];
  const deps: WritebackDeps = {
    vault: options.vault,
    keys: options.keys,
    fhir: options.fhir,
    audit,
    logger,
    ehrEndpoint: options.ehrEndpoint,
    ...(options.now ? { now: options.now } : {}),
    publish: (outcome) =>
      context.bus.publish(ehrWritebackTopic, {
        key: `${outcome.tenantId}:${outcome.clientId}`,
        value: outcome,
      }),
  };
  const appFor = <T>(c: Consumption<T>): ServiceApp =>
    createConsumerApp(context, {
      name: `${SERVICE_NAME}:${c.topic.name}`,
      consumes: c.topic,
      produces,
      groupId: c.groupSuffix ? `${baseGroup}.${c.groupSuffix}` : baseGroup,
      fromBeginning: options.fromBeginning,
      // EHR 5xx and timeouts (EHR_UNAVAILABLE) are retried; 4xx and signed records go to the DLQ.
      retry: { maxAttempts: options.maxAttempts, initialDelayMs: options.retryInitialMs, maxDelayMs: 60_000 },
      onDeadLetter: (letter) => audit.deadLettered(letter),
      handler: (delivery) => c.handle(delivery, deps),
    });
  const apps = [
    appFor({ topic: aiDraftTopic, handle: writeDraft }),
    appFor({ topic: riskAlertTopic, groupSuffix: 'risk-alert', handle: writeAlert }),
    appFor({ topic: codingSuggestionTopic, groupSuffix: 'coding-suggestion', handle: writeCodingSuggestion }),
  ];

  const stopAll = async (): Promise<void> => {
    // Every subscription is stopped even if one fails; the first failure is reported.
    const results = await Promise.allSettled(apps.map((app) => app.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  return {
    name: SERVICE_NAME,
    consumes: apps.flatMap((app) => app.consumes),
    produces,
    start: async () => {
      try {
        for (const app of apps) await app.start();
      } catch (err) {
        await stopAll().catch(() => undefined);
        throw err;
      }
    },
    stop: async () => {
      try {
        await stopAll();
      } finally {
        await options.close?.();
      }
    },
    health: () => {
      const each = apps.map((app) => app.health());
      return {
        healthy: each.every((h) => h.healthy),
        ready: each.every((h) => h.ready),
        details: Object.assign({}, ...each.map((h) => h.details)) as Record<string, string>,
      };
    },
  };
}
