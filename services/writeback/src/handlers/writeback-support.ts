import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditFacts, AuditTrail } from '@carerelay/audit';
import { keyedHash, type KeyProvider } from '@carerelay/crypto';
import { referencedId, type FhirClient } from '@carerelay/ehr';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { AuditAction, EhrWriteback, WritebackKind, WritebackStatus } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { vaultKeyOf, type TokenVault, type VaultEntry } from '@carerelay/phi';
import {
  TASK_IDENTIFIER_SYSTEM,
  type CarePlan,
  type Claim,
  type Communication,
  type DocumentReference,
  type Flag,
  type Provenance,
  type Task,
  provenanceQuery,
} from '../domain/fhir-resources.js';

/** What every write-back handler needs: the vault, the EHR, the audit trail and the outcome topic. */
export interface WritebackDeps {
  readonly vault: TokenVault;
  /** The tenant's 'pseudonym' key: an event's subjectRef is checked against the client it is written for. */
  readonly keys: Pick<KeyProvider, 'deriveKey'>;
  readonly fhir: Pick<FhirClient, 'createIfNoneExist' | 'search'>;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly publish: (outcome: EhrWriteback) => Promise<void>;
  /** The EHR's FHIR base URL: the recipient in the accounting of disclosures. */
  readonly ehrEndpoint: string;
  readonly now?: () => number;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const SUBJECT_MISMATCH = 'WRITEBACK_SUBJECT_MISMATCH';

/** WRITEBACK_SUBJECT_MISMATCH: `what` (a record or the vault entry) names another client. */
export function subjectMismatch(what: string): CareRelayError {
  return new CareRelayError(SUBJECT_MISMATCH, `${what} is not about the event's subject`, {
    retryable: false,
  });
}

/**
 * Refuses (WRITEBACK_SUBJECT_MISMATCH, not retryable) an event whose pseudonymous subject is not
 * `clientId`'s pseudonym, computed as the deidentifier does (keyed hash under the tenant's
 * 'pseudonym' key): a task id reused for another client must never put one client's draft,
 * re-identified with another's names, in either chart. `what` names the source of `clientId`.
 */
export async function assertSubject(
  deps: Pick<WritebackDeps, 'keys'>,
  event: { readonly tenantId: string; readonly subjectRef: string },
  clientId: string,
  what: string,
): Promise<void> {
  const expected = Buffer.from(keyedHash(await deps.keys.deriveKey(event.tenantId, 'pseudonym'), clientId));
  const actual = Buffer.from(event.subjectRef);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw subjectMismatch(what);
}

export interface OutcomeRefs {
  readonly resourceRef?: string | null;
  readonly provenanceRef?: string | null;
  readonly errorCode?: string | null;
}

export type PublishOutcome = (clientId: string, status: WritebackStatus, refs?: OutcomeRefs) => Promise<void>;

/** Publishes ehr.writeback.v1 for one task and kind: ids only, never text. */
export function outcomePublisher(
  deps: WritebackDeps,
  ids: { readonly tenantId: string; readonly taskId: string },
  kind: WritebackKind,
): PublishOutcome {
  const now = deps.now ?? Date.now;
  return (clientId, status, refs = {}) =>
    deps.publish({
      writebackId: randomUUID(),
      taskId: ids.taskId,
      tenantId: ids.tenantId,
      clientId,
      kind,
      status,
      resourceRef: refs.resourceRef ?? null,
      provenanceRef: refs.provenanceRef ?? null,
      errorCode: refs.errorCode ?? null,
      writtenAt: now(),
    });
}

type Written = DocumentReference | CarePlan | Communication | Claim | Flag | Task;

/** The Patient id a record writeback wrote points at (subject, patient or for). */
export function patientOf(resource: Written): string | undefined {
  const ref =
    resource.resourceType === 'Claim'
      ? resource.patient.reference
      : resource.resourceType === 'Task'
        ? resource.for?.reference
        : resource.subject?.reference;
  return referencedId(ref, 'Patient');
}

export interface WrittenRecord {
  readonly resourceRef: string;
  readonly clientId: string;
  readonly provenanceRef: string | null;
}

/**
 * A record writeback already wrote, found by its business identifier, with its
 * Provenance (tagged with the same identifier). Used when the vault entry is gone
 * because an earlier delivery succeeded and purged it.
 */
export async function findWritten(
  fhir: WritebackDeps['fhir'],
  resourceType: Written['resourceType'],
  identifier: { readonly system: string; readonly value: string },
): Promise<WrittenRecord | undefined> {
  const token = `${identifier.system}|${identifier.value}`;
  const [existing] = await fhir.search<Written>(resourceType, { identifier: token });
  const clientId = existing ? patientOf(existing) : undefined;
  if (!existing?.id || !clientId) return undefined;
  const resourceRef = `${resourceType}/${existing.id}`;
  const [prov] = await fhir.search('Provenance', {
    _tag: token,
    target: resourceRef,
  });
  return { resourceRef, clientId, provenanceRef: prov?.id ? `Provenance/${prov.id}` : null };
}

export interface FailureContext {
  readonly deps: WritebackDeps;
  /** Ids (and model or rule facts) of the act that failed. */
  readonly facts: Omit<AuditFacts, 'service' | 'action' | 'outcome'>;
  readonly action: AuditAction;
  readonly attempt: number;
  /** Reports a refusal on ehr.writeback.v1 once the client is known. */
  readonly report?: PublishOutcome;
  readonly clientId: string | null;
}

/**
 * Audits a failed write and returns the error for the consumer runtime, which
 * retries it (EHR 5xx, timeouts: retryable) or dead-letters it (4xx, signed record).
 */
export async function writeFailure(err: unknown, ctx: FailureContext): Promise<CareRelayError> {
  const error = toCareRelayError(err);
  const facts = { ...ctx.facts, clientId: ctx.clientId };
  if (error.code === SUBJECT_MISMATCH) {
    // A decided refusal: audited, then dead-lettered; nothing was written and the vault is kept.
    await ctx.deps.audit.record({ ...facts, action: ctx.action, outcome: 'DENIED', reasonCode: error.code });
  } else if (error.code === 'EHR_SIGNED_RECORD') {
    // Never modify a signed record: audited, reported, then dead-lettered.
    await ctx.deps.audit.record({ ...facts, action: ctx.action, outcome: 'DENIED', reasonCode: error.code });
    if (ctx.clientId && ctx.report) {
      await ctx.report(ctx.clientId, 'REFUSED_SIGNED', { errorCode: error.code });
    }
  } else if (error.retryable) {
    await ctx.deps.audit.record({
      ...facts,
      action: 'DEPENDENCY_UNAVAILABLE',
      outcome: 'FAILURE',
      reasonCode: error.code,
      counts: { attempt: ctx.attempt },
    });
  }
  return error;
}

/**
 * The task's vault entry. When it is gone because an earlier delivery wrote the record and
 * purged it (the commit was lost), that record is reported again and the result is null;
 * otherwise the loss is audited and a non-retryable WRITEBACK_VAULT_MISSING is thrown.
 */
export async function vaultEntryOrWritten(
  deps: WritebackDeps,
  ids: { readonly tenantId: string; readonly taskId: string; readonly subjectRef: string },
  written: Written['resourceType'],
  facts: Omit<AuditFacts, 'service' | 'action' | 'outcome'>,
  report: PublishOutcome,
): Promise<VaultEntry | null> {
  const entry = await deps.vault.get(ids.tenantId, vaultKeyOf(ids.tenantId, ids.taskId));
  if (entry) return entry;
  const existing = await findWritten(deps.fhir, written, {
    system: TASK_IDENTIFIER_SYSTEM,
    value: ids.taskId,
  });
  if (existing) {
    await assertSubject(deps, ids, existing.clientId, existing.resourceRef);
    await report(existing.clientId, 'ALREADY_EXISTS', existing);
    return null;
  }
  await deps.audit.record({
    ...facts,
    action: 'DRAFT_WRITTEN',
    outcome: 'FAILURE',
    reasonCode: 'WRITEBACK_VAULT_MISSING',
  });
  throw new CareRelayError(
    'WRITEBACK_VAULT_MISSING',
    'no token vault entry for the task (expired or purged)',
    {
      retryable: false,
    },
  );
}

/** A record written (or found, on redelivery) with its Provenance. */
export interface WrittenWithProvenance {
  readonly resourceRef: string;
  readonly provenanceRef: string;
  /** False when the record already existed (a redelivery). */
  readonly created: boolean;
}

/**
 * The write of one task's record: a conditional create on its business identifier, then its
 * Provenance, conditional on the task tag and the record, so a redelivery creates neither again.
 */
export async function writeWithProvenance(
  deps: WritebackDeps,
  write: {
    readonly taskId: string;
    readonly resource: Written;
    readonly ifNoneExist: string;
    readonly provenance: (resourceRef: string) => Provenance;
  },
): Promise<WrittenWithProvenance> {
  const record = await deps.fhir.createIfNoneExist(write.resource, write.ifNoneExist);
  const resourceRef = `${write.resource.resourceType}/${record.resource.id ?? ''}`;
  // The task's record already exists in another chart (a task id reused for another client).
  if (patientOf(record.resource) !== patientOf(write.resource)) throw subjectMismatch(resourceRef);
  const prov = await deps.fhir.createIfNoneExist(
    write.provenance(resourceRef),
    provenanceQuery({ system: TASK_IDENTIFIER_SYSTEM, code: write.taskId }, resourceRef),
  );
  return { resourceRef, provenanceRef: `Provenance/${prov.resource.id ?? ''}`, created: record.created };
}
