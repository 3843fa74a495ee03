import type { Delivery } from '@carerelay/bus';
import type { CodingSuggestion, WritebackStatus } from '@carerelay/events';
import { vaultKeyOf } from '@carerelay/phi';
import { CATALOGUE, PURPOSE_EVENT_VALUE } from '@carerelay/policy';
import { codingClaim, codingProvenance, reidentifySuggestion } from '../domain/claim-resources.js';
import { TASK_IDENTIFIER_SYSTEM, identifierQuery } from '../domain/fhir-resources.js';
import { isPart2, underConsent } from '../domain/part2.js';
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
 * A suggestion derived from 42 CFR Part 2 data keeps the label on the Claim, and its
 * disclosure (for payment) is accounted with the consent it rests on.
 */
export async function writeCodingSuggestion(
  delivery: Delivery<CodingSuggestion>,
  deps: WritebackDeps,
): Promise<void> {
  const suggestion = delivery.value;
  const now = deps.now ?? Date.now;
  // coding.suggestion.v1 is the coding use case's output: its target and purpose are the catalogue's.
  const spec = CATALOGUE.coding;
  const part2 = isPart2(suggestion.securityLabels);
  const base = { tenantId: suggestion.tenantId, taskId: suggestion.taskId, useCase: spec.useCase, part2 };
  const rules = { templateVersion: `coding@${suggestion.ruleVersion}` };
  const outcome = outcomePublisher(deps, base, spec.writeback.kind);
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
    const resource = codingClaim({ suggestion, clientId: entry.clientId, text, part2 });
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
      description: `${spec.writeback.kind} ${resourceRef} with ${provenanceRef}`,
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
        purposeOfUse: PURPOSE_EVENT_VALUE[spec.purposeOfUse],
        recipient: deps.ehrEndpoint,
        description: `coding suggestion written to the EHR as draft ${resourceRef}${underConsent(suggestion.consentRef)}`,
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
