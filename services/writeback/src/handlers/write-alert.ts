import type { Delivery } from '@carerelay/bus';
import { CareRelayError } from '@carerelay/errors';
import type { RiskAlert, WritebackStatus } from '@carerelay/events';
import { vaultKeyOf, type VaultEntry } from '@carerelay/phi';
import { PURPOSE_EVENT_VALUE } from '@carerelay/policy';
import {
  alertIdentifier,
  alertProvenance,
  alertQuery,
  alertTag,
  reidentifyEvidence,
  reviewDescription,
  riskFlag,
  riskReviewTask,
} from '../domain/alert-resources.js';
import { TASK_IDENTIFIER_SYSTEM, provenanceQuery } from '../domain/fhir-resources.js';
import {
  assertSubject,
  findWritten,
  outcomePublisher,
  patientOf,
  sha256,
  subjectMismatch,
  writeFailure,
  type WritebackDeps,
} from './writeback-support.js';

interface AlertSubject {
  readonly clientId: string;
  /** Present while the task's vault entry lives: evidence tokens can be resolved. */
  readonly entry?: VaultEntry;
  /** Where the client was found: the vault, or a record already written for the alert or its task. */
  readonly source: 'vault' | 'Flag' | 'DocumentReference' | 'Claim';
}

/**
 * The alert's client. The vault entry is not purged for alerts (the task's draft
 * may still need it) but the draft or claim of the same task may have purged it
 * already; then the record that purge followed names the client.
 */
async function subjectOf(alert: RiskAlert, deps: WritebackDeps): Promise<AlertSubject | undefined> {
  const entry = await deps.vault.get(alert.tenantId, vaultKeyOf(alert.tenantId, alert.taskId));
  if (entry) return { clientId: entry.clientId, entry, source: 'vault' };
  const lookups = [
    ['Flag', alertIdentifier(alert.alertId)],
    ['DocumentReference', { system: TASK_IDENTIFIER_SYSTEM, value: alert.taskId }],
    ['Claim', { system: TASK_IDENTIFIER_SYSTEM, value: alert.taskId }],
  ] as const;
  for (const [type, identifier] of lookups) {
    const found = await findWritten(deps.fhir, type, identifier);
    if (found) return { clientId: found.clientId, source: type };
  }
  return undefined;
}

/**
 * risk.alert.v1 → an active Flag on the client and, for an interrupting alert, a
 * Task a clinician must acknowledge, with one Provenance, then ehr.writeback.v1
 * (ids only). Every write is a conditional create on the alert id, so a
 * redelivery never makes a second Flag or Task; nothing is ever updated.
 * The vault is left alone: the task's draft may still need it.
 */
export async function writeAlert(delivery: Delivery<RiskAlert>, deps: WritebackDeps): Promise<void> {
  const alert = delivery.value;
  const now = deps.now ?? Date.now;
  const base = { tenantId: alert.tenantId, taskId: alert.taskId };
  const rules = { templateVersion: `risk@${alert.ruleVersion}` };
  const outcome = outcomePublisher(deps, base, 'ALERT');

  let clientId: string | null = null;
  try {
    const subject = await subjectOf(alert, deps);
    if (!subject) {
      await deps.audit.record({
        ...base,
        ...rules,
        action: 'ALERT_RAISED',
        outcome: 'FAILURE',
        reasonCode: 'WRITEBACK_SUBJECT_UNKNOWN',
        description: `alert ${alert.alertId}: no vault entry and no record of the task names the client`,
      });
      throw new CareRelayError(
        'WRITEBACK_SUBJECT_UNKNOWN',
        'alert client unknown: vault entry gone and no draft, claim or flag of the task in the EHR',
        { retryable: false, details: { alertId: alert.alertId } },
      );
    }
    clientId = subject.clientId;
    await assertSubject(
      deps,
      alert,
      subject.clientId,
      subject.source === 'vault' ? 'the vault entry' : subject.source,
    );

    const evidence = reidentifyEvidence(alert.evidence, subject.entry);
    const input = { alert, clientId: subject.clientId, evidence };
    const flag = await deps.fhir.createIfNoneExist(riskFlag(input), alertQuery(alert.alertId));
    const flagRef = `Flag/${flag.resource.id ?? ''}`;
    // The alert's Flag already exists in another chart: refuse before adding a Task to it.
    if (patientOf(flag.resource) !== subject.clientId) throw subjectMismatch(flagRef);
    const task = alert.interrupting
      ? await deps.fhir.createIfNoneExist(
          riskReviewTask({ ...input, flagRef, now: now() }),
          alertQuery(alert.alertId),
        )
      : undefined;
    const taskRef = task ? `Task/${task.resource.id ?? ''}` : undefined;
    const prov = await deps.fhir.createIfNoneExist(
      alertProvenance(alert, taskRef ? [flagRef, taskRef] : [flagRef], now()),
      provenanceQuery(alertTag(alert.alertId), flagRef),
    );
    const provenanceRef = `Provenance/${prov.resource.id ?? ''}`;

    const created = flag.created || task?.created === true;
    const status: WritebackStatus = created ? 'CREATED' : 'ALREADY_EXISTS';
    await outcome(subject.clientId, status, { resourceRef: flagRef, provenanceRef });
    const who = { ...base, ...rules, clientId: subject.clientId };
    const written = taskRef ? `${flagRef} and ${taskRef}` : flagRef;
    await deps.audit.record({
      ...who,
      action: 'ALERT_RAISED',
      outcome: 'SUCCESS',
      reasonCode: alert.trigger,
      description: `${alert.severity} alert ${alert.alertId} ${status}: ${written} with ${provenanceRef}`,
      counts: {
        interrupting: alert.interrupting ? 1 : 0,
        created: created ? 1 : 0,
        evidence: alert.evidence.length,
        replaced: evidence.replaced,
        unresolvedTokens: evidence.unresolved.length,
      },
      hashes: { text: sha256(reviewDescription(alert, evidence)), dedupKey: sha256(alert.dedupKey) },
    });
    if (created) {
      await deps.audit.record({
        ...who,
        action: 'PHI_DISCLOSURE',
        outcome: 'SUCCESS',
        // A risk alert is disclosed for treatment (the client's safety), whatever the task's use case.
        purposeOfUse: PURPOSE_EVENT_VALUE.TREAT,
        recipient: deps.ehrEndpoint,
        description: `risk alert (${subject.entry ? 're-identified' : 'tokens only'}) written to the EHR as ${written}`,
      });
    }
    deps.logger.info(
      { taskId: alert.taskId, alertId: alert.alertId, flagRef, taskRef, status, source: subject.source },
      'alert written',
    );
  } catch (err) {
    throw await writeFailure(err, {
      deps,
      facts: { ...base, ...rules },
      action: 'ALERT_RAISED',
      attempt: delivery.attempt,
      report: outcome,
      clientId,
    });
  }
}
