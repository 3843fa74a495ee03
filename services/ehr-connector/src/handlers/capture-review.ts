import type { AuditTrail } from '@carerelay/audit';
import { compareDraftToFinal, splitSections, type NoteFormat } from '@carerelay/clinical';
import type { SignedNote } from '@carerelay/ehr';
import type { EhrChange, ReviewOutcome } from '@carerelay/events';
import { stableId } from '../domain/stable-id.js';

export interface ReviewDeps {
  /** The signed note and the draft it came from; undefined when it was not drafted by CareRelay. */
  readonly signedNote: (documentId: string) => Promise<SignedNote | undefined>;
  readonly publishReview: (outcome: ReviewOutcome) => Promise<void>;
  readonly audit: AuditTrail;
}

const FORMATS: Readonly<Record<string, NoteFormat>> = {
  soap_note: 'soap',
  dap_note: 'dap',
  birp_note: 'birp',
};

/** The note's sections (its format's headings), without the preamble (the draft label and provenance lines). */
function sectionsOf(text: string, useCase: string): Record<string, string> {
  const format = FORMATS[useCase];
  if (!format) return { Text: text };
  const sections = splitSections(text, format);
  delete sections['Preamble'];
  return sections;
}

/**
 * Review capture: when a clinician signs a note that started as a CareRelay draft,
 * measure how much they changed (normalized edit distance, sections changed) and
 * publish `review.outcome.v1` with metrics and hashes only, never text. The event id
 * derives from the signed note and its text, so a redelivered change, or the same signing
 * reported by webhook and by poll, repeats the same event (the audit store keeps one).
 */
export async function captureReview(change: EhrChange, deps: ReviewDeps): Promise<ReviewOutcome | undefined> {
  if (change.changeType !== 'NOTE_SIGNED' || change.resourceType !== 'DocumentReference') return undefined;
  const note = await deps.signedNote(change.resourceId);
  // The signed note's text (and its draft's) was read from the EHR, ours or not: audited
  // before anything is done with it, and a trail that cannot take it fails the change (retried).
  await deps.audit.record({
    tenantId: change.tenantId,
    clientId: note?.clientId ?? change.clientId,
    taskId: note?.taskId ?? null,
    correlationId: change.eventId,
    userId: note?.signerId ?? change.actorUserId ?? null,
    action: 'PHI_ACCESS',
    outcome: 'SUCCESS',
    purposeOfUse: 'OPERATIONS',
    description: note
      ? `review capture: signed note and its AI draft read (${note.documentRef})`
      : `review capture: signed note read (DocumentReference/${change.resourceId}), not a CareRelay draft`,
  });
  if (!note) return undefined;
  const useCase = note.template?.id ?? 'unknown';
  const metrics = compareDraftToFinal(
    sectionsOf(note.draftText, useCase),
    sectionsOf(note.finalText, useCase),
  );
  // One review per signed text, whichever change reported it (webhook, poll, redelivery): the
  // event ids derive from the signed note and its text, so the stores keep one.
  const reviewOf = [note.documentRef, metrics.finalSha256] as const;
  const outcome: ReviewOutcome = {
    eventId: stableId('review', change.tenantId, 'review', ...reviewOf),
    taskId: note.taskId,
    tenantId: change.tenantId,
    clientId: note.clientId,
    useCase,
    documentRef: note.documentRef,
    reviewerUserId: note.signerId ?? change.actorUserId ?? 'unknown',
    draftSha256: metrics.draftSha256,
    finalSha256: metrics.finalSha256,
    normalizedEditDistance: metrics.normalizedEditDistance,
    sectionsTotal: metrics.sectionsTotal,
    sectionsChanged: [...metrics.sectionsChanged],
    templateId: note.template?.id ?? null,
    templateVersion: note.template?.version ?? null,
    draftCreatedAt: note.draftCreatedAt,
    signedAt: note.signedAt,
  };
  await deps.publishReview(outcome);
  await deps.audit.record({
    // Like the outcome's: a redelivered change repeats the same audit event (stored once).
    eventId: stableId('review', change.tenantId, 'audit', ...reviewOf),
    // The EHR's signing time is a claim (an editable field): kept, never the event's time.
    ehrOccurredAt: note.signedAt,
    tenantId: change.tenantId,
    clientId: note.clientId,
    taskId: note.taskId,
    correlationId: change.eventId,
    userId: outcome.reviewerUserId,
    role: 'clinician',
    action: 'DRAFT_REVIEWED',
    outcome: 'SUCCESS',
    useCase,
    templateVersion: note.template ? `${note.template.id}@${note.template.version}` : null,
    counts: {
      sectionsTotal: metrics.sectionsTotal,
      sectionsChanged: metrics.sectionsChanged.length,
      editDistancePermille: Math.round(metrics.normalizedEditDistance * 1000),
    },
    hashes: { draft: metrics.draftSha256, final: metrics.finalSha256 },
  });
  return outcome;
}
