import { OperationOutcomeError } from '@medplum/core';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

/** CarePlan statuses a clinician has signed off; drafts are the only plans the product writes. */
const SIGNED_CAREPLAN_STATUSES = new Set(['active', 'completed']);

/**
 * Whether a stored resource is a signed clinical record. The product may add drafts
 * beside signed records but must never change one, so the sandbox enforces what a
 * real EHR would and a writeback bug shows up as a 422 in tests.
 */
export function isSignedRecord(stored: Resource): boolean {
  switch (stored.resourceType) {
    case 'DocumentReference':
      return stored.docStatus === 'final' || stored.docStatus === 'amended';
    case 'CarePlan':
      return SIGNED_CAREPLAN_STATUSES.has(stored.status);
    default:
      return false;
  }
}

/** 422 Unprocessable Entity: Medplum maps an outcome with id `business-rule` to 422. */
export function signedRecordReadOnly(resourceType: string, id: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    id: 'business-rule',
    issue: [
      {
        severity: 'error',
        code: 'business-rule',
        details: { text: 'signed record is read-only' },
        diagnostics: `${resourceType}/${id} is signed; write a new draft instead of modifying it`,
      },
    ],
  };
}

export function assertNotSigned(stored: Resource | undefined): void {
  if (stored && isSignedRecord(stored)) {
    throw new OperationOutcomeError(signedRecordReadOnly(stored.resourceType, stored.id ?? ''));
  }
}
