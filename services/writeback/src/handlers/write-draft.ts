import { createHash, randomUUID } from 'node:crypto';
import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import type { FhirClient } from '@carerelay/ehr';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import type { AiDraft, EhrWriteback, WritebackKind, WritebackStatus } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { vaultKeyOf, type TokenVault } from '@carerelay/phi';
import { renderNote, reidentifyDraft } from '../domain/draft-text.js';
import {
  NOTE_TARGETS,
  TASK_IDENTIFIER_SYSTEM,
  draftDocument,
  draftProvenance,
  draftQuery,
  modelDisplay,
  provenanceQuery,
  type DocumentReference,
} from '../domain/fhir-resources.js';

export interface WriteDraftDeps {
  readonly vault: TokenVault;
  readonly fhir: Pick<FhirClient, 'createIfNoneExist' | 'search'>;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly publish: (outcome: EhrWriteback) => Promise<void>;
  /** The EHR's FHIR base URL: the recipient in the accounting of disclosures. */
  readonly ehrEndpoint: string;
  readonly now?: () => number;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * ai.draft.v1 → a preliminary DocumentReference with its Provenance in the EHR,
 * then ehr.writeback.v1 (ids only). Both writes are conditional creates on the
 * task id, so a redelivery never makes a second draft; the vault entry is purged
 * only after both exist. Nothing here ever updates an existing record.
 */
export async function writeDraft(delivery: Delivery<AiDraft>, deps: WriteDraftDeps): Promise<void> {
  const draft = delivery.value;
  const now = deps.now ?? Date.now;
  const base = { tenantId: draft.tenantId, taskId: draft.taskId };
  const ai = {
    model: modelDisplay(draft.provenance),
    templateVersion: `${draft.provenance.templateId}@${draft.provenance.templateVersion}`,
  };
  const target = NOTE_TARGETS[draft.useCase];
  if (!target) {
    await deps.audit.record({
      ...base,
      ...ai,
      action: 'OTHER',
      outcome: 'SUCCESS',
      reasonCode: 'WRITEBACK_SKIPPED_USE_CASE',
      description: `no write-back target for ${draft.useCase}`,
    });
    deps.logger.info({ taskId: draft.taskId, useCase: draft.useCase }, 'draft skipped: no write-back target');
    return;
  }
  const outcome = (
    clientId: string,
    status: WritebackStatus,
    kind: WritebackKind,
    refs: { resourceRef?: string | null; provenanceRef?: string | null; errorCode?: string | null } = {},
  ): Promise<void> =>
    deps.publish({
      writebackId: randomUUID(),
      taskId: draft.taskId,
      tenantId: draft.tenantId,
      clientId,
      kind,
      status,
      resourceRef: refs.resourceRef ?? null,
      provenanceRef: refs.provenanceRef ?? null,
      errorCode: refs.errorCode ?? null,
      writtenAt: now(),
    });

  let clientId: string | null = null;
  try {
    const vaultKey = vaultKeyOf(draft.tenantId, draft.taskId);
    const entry = await deps.vault.get(draft.tenantId, vaultKey);
    if (!entry) {
      // Purged after a write whose commit was lost: the draft exists, report it again.
      const [existing] = await deps.fhir.search<DocumentReference>('DocumentReference', {
        identifier: `${TASK_IDENTIFIER_SYSTEM}|${draft.taskId}`,
      });
      const patient = existing?.subject?.reference?.replace(/^Patient\//, '');
      if (existing?.id && patient) {
        const [prov] = await deps.fhir.search('Provenance', {
          _tag: `${TASK_IDENTIFIER_SYSTEM}|${draft.taskId}`,
        });
        await outcome(patient, 'ALREADY_EXISTS', target.kind, {
          resourceRef: `DocumentReference/${existing.id}`,
          provenanceRef: prov?.id ? `Provenance/${prov.id}` : null,
        });
        return;
      }
      await deps.audit.record({
        ...base,
        ...ai,
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
    clientId = entry.clientId;

    const reid = reidentifyDraft(draft.content, entry);
    const text = renderNote(reid.content, {
      title: target.title,
      provenance: draft.provenance,
      placeholders: draft.placeholders,
      unresolved: reid.unresolved,
    });
    const doc = await deps.fhir.createIfNoneExist(
      draftDocument({
        taskId: draft.taskId,
        clientId: entry.clientId,
        target,
        text,
        unresolved: reid.unresolved,
        now: now(),
      }),
      draftQuery(draft.taskId),
    );
    const resourceRef = `DocumentReference/${doc.resource.id ?? ''}`;
    const prov = await deps.fhir.createIfNoneExist(
      draftProvenance(draft, resourceRef, now()),
      provenanceQuery(draft.taskId),
    );
    const provenanceRef = `Provenance/${prov.resource.id ?? ''}`;
    await deps.vault.purge(draft.tenantId, vaultKey);

    const status: WritebackStatus = doc.created ? 'CREATED' : 'ALREADY_EXISTS';
    await outcome(entry.clientId, status, target.kind, { resourceRef, provenanceRef });
    const who = { ...base, ...ai, clientId: entry.clientId };
    await deps.audit.record({
      ...who,
      action: 'DRAFT_WRITTEN',
      outcome: 'SUCCESS',
      reasonCode: status,
      description: `${target.kind} ${resourceRef} with ${provenanceRef}`,
      counts: {
        replaced: reid.replaced,
        unresolvedTokens: reid.unresolved.length,
        placeholders: draft.placeholders.length,
      },
      hashes: { text: sha256(text), template: draft.provenance.templateHash },
    });
    if (doc.created) {
      await deps.audit.record({
        ...who,
        action: 'PHI_DISCLOSURE',
        outcome: 'SUCCESS',
        purposeOfUse: 'TREATMENT',
        recipient: deps.ehrEndpoint,
        description: `re-identified ${target.kind} written to the EHR as ${resourceRef}`,
      });
    }
    deps.logger.info(
      { taskId: draft.taskId, resourceRef, status, unresolved: reid.unresolved.length },
      'draft written',
    );
  } catch (err) {
    const error = toCareRelayError(err);
    if (error.code === 'EHR_SIGNED_RECORD') {
      // Never modify a signed record: audited, reported, then dead-lettered.
      await deps.audit.record({
        ...base,
        ...ai,
        clientId,
        action: 'DRAFT_WRITTEN',
        outcome: 'DENIED',
        reasonCode: error.code,
      });
      if (clientId) await outcome(clientId, 'REFUSED_SIGNED', target.kind, { errorCode: error.code });
    } else if (error.retryable) {
      await deps.audit.record({
        ...base,
        clientId,
        action: 'DEPENDENCY_UNAVAILABLE',
        outcome: 'FAILURE',
        reasonCode: error.code,
        counts: { attempt: delivery.attempt },
      });
    }
    throw error;
  }
}
