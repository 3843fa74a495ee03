import type { AuditFacts } from '@carerelay/audit';
import type { IntakeExtraction } from '@carerelay/events';
import type { VaultEntry } from '@carerelay/phi';
import { CATALOGUE, PURPOSE_EVENT_VALUE } from '@carerelay/policy';
import { TASK_IDENTIFIER_SYSTEM, provenanceQuery } from '../domain/fhir-resources.js';
import {
  intakeObservationQuery,
  intakeObservations,
  intakeProvenance,
  intakeRulesVersion,
  intakeSources,
  reidentifyExtraction,
} from '../domain/intake-observations.js';
import { underConsent } from '../domain/part2.js';
import { subjectMismatch, type WritebackDeps } from './writeback-support.js';

export interface IntakeObservationsRequest {
  readonly taskId: string;
  readonly clientId: string;
  readonly extraction: IntakeExtraction;
  readonly entry: VaultEntry;
  readonly part2: boolean;
  readonly consentRef: string | null;
  /** Ids of the draft (tenant, task, use case, Part 2), for the audit records. */
  readonly facts: Omit<AuditFacts, 'service' | 'action' | 'outcome'>;
  readonly now: number;
}

export interface IntakeObservationsWritten {
  readonly refs: readonly string[];
  /** How many were new (0 on a redelivery). */
  readonly created: number;
  readonly provenanceRef: string | null;
}

/**
 * The intake extraction of a draft → one preliminary Observation per fact, score, presenting
 * problem and risk flags, and one Provenance naming the rules, each a conditional create on its
 * own identifier, so a redelivery finds them all and creates none. Written before the draft note
 * and before the vault purge: while any is missing the vault entry is still there to retry with.
 * Audited with ids and counts only; what was created is accounted as a disclosure even when a
 * later write fails.
 */
export async function writeIntakeObservations(
  deps: WritebackDeps,
  request: IntakeObservationsRequest,
): Promise<IntakeObservationsWritten> {
  const { taskId, clientId } = request;
  // Rules, not the model, made these: the audit names the rule set.
  const facts = {
    ...request.facts,
    clientId,
    templateVersion: intakeRulesVersion(request.extraction.extractorVersion),
  };
  const reid = reidentifyExtraction(request.extraction, request.entry);
  const observations = intakeObservations({
    taskId,
    clientId,
    extraction: reid.extraction,
    derivedFrom: intakeSources(request.entry.sourceRefs),
    unresolved: reid.unresolved,
    part2: request.part2,
    now: request.now,
  });
  const refs: string[] = [];
  const createdRefs: string[] = [];
  try {
    for (const { key, resource } of observations) {
      const written = await deps.fhir.createIfNoneExist(resource, intakeObservationQuery(taskId, key));
      const ref = `Observation/${written.resource.id ?? ''}`;
      // The identifier already names a record in another chart (a task id reused for another client).
      if (written.resource.subject?.reference !== resource.subject?.reference) throw subjectMismatch(ref);
      refs.push(ref);
      if (written.created) createdRefs.push(ref);
    }
  } finally {
    if (createdRefs.length > 0) {
      await deps.audit.record({
        ...facts,
        action: 'PHI_DISCLOSURE',
        outcome: 'SUCCESS',
        purposeOfUse: PURPOSE_EVENT_VALUE[CATALOGUE.intake_extraction.purposeOfUse],
        recipient: deps.ehrEndpoint,
        description: `re-identified intake observations written to the EHR as ${createdRefs.join(', ')}${underConsent(request.consentRef)}`,
      });
    }
  }
  const first = refs[0];
  const provenanceRef = first
    ? `Provenance/${
        (
          await deps.fhir.createIfNoneExist(
            intakeProvenance(taskId, request.extraction.extractorVersion, refs, request.now),
            provenanceQuery({ system: TASK_IDENTIFIER_SYSTEM, code: taskId }, first),
          )
        ).resource.id ?? ''
      }`
    : null;
  await deps.audit.record({
    ...facts,
    action: 'DRAFT_WRITTEN',
    outcome: 'SUCCESS',
    reasonCode: createdRefs.length > 0 ? 'CREATED' : 'ALREADY_EXISTS',
    description: `intake observations ${refs.join(', ') || '(none)'}${provenanceRef ? ` with ${provenanceRef}` : ''}`,
    counts: {
      observations: refs.length,
      created: createdRefs.length,
      replaced: reid.replaced,
      unresolvedTokens: reid.unresolved.length,
    },
  });
  deps.logger.info(
    { taskId, observations: refs.length, created: createdRefs.length },
    'intake observations written',
  );
  return { refs, created: createdRefs.length, provenanceRef };
}
