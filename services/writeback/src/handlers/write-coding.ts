import type { Delivery } from '@carerelay/bus';
import type { CodingSuggestion, WritebackStatus } from '@carerelay/events';
import { vaultKeyOf } from '@carerelay/phi';
import { codingClaim, codingProvenance, reidentifySuggestion } from '../domain/claim-resources.js';
import { TASK_IDENTIFIER_SYSTEM, identifierQuery } from '../domain/fhir-resources.js';
import {
  assertSubject,
  outcomePublisher,
  sha256,
  vaultEntryOrWritten,
  writeWithProvenance,
  writeFailure,
  type WritebackDeps,
} from './writeback-support.js';

/**
 * coding.suggestion.v1 → a draft Claim (never submitted) with its Provenance, then
 * ehr.writeback.v1 (ids only). Both writes are conditional creates on the task id.
 * A coding task has no other output, so its vault entry is purged once both exist.
 */
export async function writeCodingSuggestion(
  delivery: Delivery<CodingSuggestion>,
  deps: WritebackDeps,
): Promise<void> {
  const suggestion = delivery.value;
  const now = deps.now ?? Date.now;
  const base = { tenantId: suggestion.tenantId, taskId: suggestion.taskId, useCase: 'coding' };
  const rules = { templateVersion: `coding@${suggestion.ruleVersion}` };
  const outcome = outcomePublisher(deps, base, 'CODING_SUGGESTION');
  const taskIdentifier = { system: TASK_IDENTIFIER_SYSTEM, value: suggestion.taskId };

  let clientId: string | null = null;
  try {
    const vaultKey = vaultKeyOf(suggestion.tenantId, suggestion.taskId);
    const ids = { ...base, subjectRef: suggestion.subjectRef };
    const entry = await vaultEntryOrWritten(deps, ids, 'Claim', { ...base, ...rules }, outcome);
    if (!entry) return;
    clientId = entry.clientId;
    await assertSubject(deps, suggestion, entry.clientId, 'the vault entry');

    const text = reidentifySuggestion(suggestion, entry);
    const resource = codingClaim({ suggestion, clientId: entry.clientId, text });
    const { resourceRef, provenanceRef, created } = await writeWithProvenance(deps, {
      taskId: suggestion.taskId,
      resource,
      ifNoneExist: identifierQuery(taskIdentifier.system, taskIdentifier.value),
      provenance: (ref) => codingProvenance(suggestion, ref, now()),
    });
    await deps.vault.purge(suggestion.tenantId, vaultKey);

    const status: WritebackStatus = created ? 'CREATED' : 'ALREADY_EXISTS';
    await outcome(entry.clientId, status, { resourceRef, provenanceRef });
    const who = { ...base, ...rules, clientId: entry.clientId };
    const count = (system: string) => suggestion.codes.filter((c) => c.system === system).length;
    await deps.audit.record({
      ...who,
      action: 'DRAFT_WRITTEN',
      outcome: 'SUCCESS',
      reasonCode: status,
      description: `CODING_SUGGESTION ${resourceRef} with ${provenanceRef}`,
      counts: {
        cpt: count('CPT'),
        icd10cm: count('ICD10CM'),
        warnings: suggestion.warnings.length,
        replaced: text.replaced,
        unresolvedTokens: text.unresolved.length,
      },
      hashes: { claim: sha256(JSON.stringify(resource)) },
    });
    if (created) {
      await deps.audit.record({
        ...who,
        action: 'PHI_DISCLOSURE',
        outcome: 'SUCCESS',
        purposeOfUse: 'PAYMENT',
        recipient: deps.ehrEndpoint,
        description: `coding suggestion written to the EHR as draft ${resourceRef}`,
      });
    }
    deps.logger.info({ taskId: suggestion.taskId, resourceRef, status }, 'coding suggestion written');
  } catch (err) {
    throw await writeFailure(err, {
      deps,
      facts: { ...base, ...rules },
      action: 'DRAFT_WRITTEN',
      attempt: delivery.attempt,
      report: outcome,
      clientId,
    });
  }
}
