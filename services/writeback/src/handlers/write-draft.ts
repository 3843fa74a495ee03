import type { Delivery } from '@carerelay/bus';
import type { AiDraft, WritebackStatus } from '@carerelay/events';
import { vaultKeyOf } from '@carerelay/phi';
import { CATALOGUE, PURPOSE_EVENT_VALUE } from '@carerelay/policy';
import { renderNote, reidentifyDraft } from '../domain/draft-text.js';
import { DRAFT_TARGETS, draftResource } from '../domain/draft-targets.js';
import { draftProvenance, draftQuery, modelDisplay } from '../domain/fhir-resources.js';
import { MEASUREMENT_SECTION, chartAttachment, measurementCare } from '../domain/measurement-care.js';
import { PART2_NOTICE, isPart2, underConsent } from '../domain/part2.js';
import { writeIntakeObservations } from './write-intake-observations.js';
import {
  assertSubject,
  outcomePublisher,
  sha256,
  vaultEntryOrWritten,
  writeWithProvenance,
  writeFailure,
  type WritebackDeps,
} from './writeback-support.js';

export type WriteDraftDeps = WritebackDeps;

/**
 * ai.draft.v1 → a draft record (preliminary DocumentReference, draft CarePlan, or
 * Communication in preparation: see DRAFT_TARGETS) with its Provenance in the EHR,
 * then ehr.writeback.v1 (ids only). Both writes are conditional creates on the
 * task id, so a redelivery never makes a second draft; the vault entry is purged
 * only after both exist. Nothing here ever updates an existing record.
 * A draft derived from 42 CFR Part 2 data carries the §2.32 notice in its text and the
 * 42CFRPart2 label on the record; its disclosure is accounted with the consent it rests on.
 */
export async function writeDraft(delivery: Delivery<AiDraft>, deps: WriteDraftDeps): Promise<void> {
  const draft = delivery.value;
  const now = deps.now ?? Date.now;
  const part2 = isPart2(draft.securityLabels);
  const base = { tenantId: draft.tenantId, taskId: draft.taskId, useCase: draft.useCase, part2 };
  const ai = {
    model: modelDisplay(draft.provenance),
    templateVersion: `${draft.provenance.templateId}@${draft.provenance.templateVersion}`,
  };
  const target = DRAFT_TARGETS[draft.useCase];
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
  const outcome = outcomePublisher(deps, base, target.kind);

  let clientId: string | null = null;
  try {
    const vaultKey = vaultKeyOf(draft.tenantId, draft.taskId);
    const ids = { ...base, subjectRef: draft.subjectRef };
    const entry = await vaultEntryOrWritten(deps, ids, target.resourceType, { ...base, ...ai }, outcome);
    if (!entry) return;
    clientId = entry.clientId;
    await assertSubject(deps, draft, entry.clientId, 'the vault entry');

    // An intake extraction's structured fields, as preliminary Observations, before the note.
    if (draft.intakeExtraction) {
      await writeIntakeObservations(deps, {
        taskId: draft.taskId,
        clientId: entry.clientId,
        extraction: draft.intakeExtraction,
        entry,
        part2,
        consentRef: draft.consentRef,
        facts: base,
        now: now(),
      });
    }
    const reid = reidentifyDraft(draft.content, entry);
    // Findings and chart by rules from the draft's measures, stated whatever the model wrote.
    const care = measurementCare(draft.measures, entry);
    const unresolved = [...new Set([...reid.unresolved, ...care.unresolved])].sort();
    const text = renderNote(reid.content, {
      title: target.title,
      provenance: draft.provenance,
      placeholders: draft.placeholders,
      unresolved,
      ...(part2 ? { notice: PART2_NOTICE } : {}),
      ruleSections: [{ heading: MEASUREMENT_SECTION, lines: care.section }],
    });
    const { resourceRef, provenanceRef, created } = await writeWithProvenance(deps, {
      taskId: draft.taskId,
      resource: draftResource({
        taskId: draft.taskId,
        clientId: entry.clientId,
        target,
        content: reid.content,
        text,
        provenance: draft.provenance,
        unresolved,
        part2,
        now: now(),
        ...(care.svg ? { chart: chartAttachment(care.svg) } : {}),
      }),
      ifNoneExist: draftQuery(draft.taskId),
      provenance: (ref) => draftProvenance(draft, ref, now()),
    });
    await deps.vault.purge(draft.tenantId, vaultKey);

    const status: WritebackStatus = created ? 'CREATED' : 'ALREADY_EXISTS';
    await outcome(entry.clientId, status, { resourceRef, provenanceRef });
    const who = { ...base, ...ai, clientId: entry.clientId };
    await deps.audit.record({
      ...who,
      action: 'DRAFT_WRITTEN',
      outcome: 'SUCCESS',
      reasonCode: status,
      description: `${target.kind} ${resourceRef} with ${provenanceRef}`,
      counts: {
        replaced: reid.replaced + care.replaced,
        unresolvedTokens: unresolved.length,
        placeholders: draft.placeholders.length,
        ...(care.svg ? { chartScores: draft.measures.reduce((n, m) => n + m.points.length, 0) } : {}),
      },
      hashes: {
        text: sha256(text),
        template: draft.provenance.templateHash,
        ...(care.svg ? { chart: sha256(care.svg) } : {}),
      },
    });
    if (created) {
      await deps.audit.record({
        ...who,
        action: 'PHI_DISCLOSURE',
        outcome: 'SUCCESS',
        purposeOfUse: PURPOSE_EVENT_VALUE[CATALOGUE[draft.useCase].purposeOfUse],
        recipient: deps.ehrEndpoint,
        description: `re-identified ${target.kind} written to the EHR as ${resourceRef}${underConsent(draft.consentRef)}`,
      });
    }
    deps.logger.info(
      { taskId: draft.taskId, resourceRef, status, unresolved: unresolved.length },
      'draft written',
    );
  } catch (err) {
    throw await writeFailure(err, {
      deps,
      facts: { ...base, ...ai },
      action: 'DRAFT_WRITTEN',
      attempt: delivery.attempt,
      report: outcome,
      clientId,
    });
  }
}
