/**
 * The vendor change-event payload of the generic signed-webhook ingress (see README.md),
 * validated by hand so the ingress needs no schema dependency. Failures name the field
 * only: values are never echoed, since a payload may carry PHI.
 */

export const VENDOR_EVENT_TYPES = [
  'session.ended',
  'intake.submitted',
  'message.received',
  'note.signed',
  'plan.review_due',
  'task.completed',
  /** A Consent was written or revoked (resourceType Consent): cached consents are dropped. */
  'consent.updated',
  /** A PHQ-9, PHQ-2, GAD-7 or C-SSRS was completed (QuestionnaireResponse or Observation). */
  'assessment.completed',
] as const;

export type VendorEventType = (typeof VENDOR_EVENT_TYPES)[number];

export interface VendorChangeEvent {
  readonly eventId: string;
  readonly type: VendorEventType;
  readonly clientId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly encounterId?: string;
  /** ISO 8601 date-time with an explicit offset (`Z` or `±hh:mm`). */
  readonly occurredAt: string;
  readonly actorUserId?: string;
}

export type EventValidation =
  | { readonly ok: true; readonly event: VendorChangeEvent }
  | { readonly ok: false; readonly field: string; readonly reason: string };

const EVENT_ID_MAX = 128;
const ID_MAX = 256;
const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const TYPES: ReadonlySet<string> = new Set(VENDOR_EVENT_TYPES);

class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

function idString(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string') throw new FieldError(field, 'must be a string');
  if (value.length === 0 || value.length > max) {
    throw new FieldError(field, `must be 1 to ${max} characters`);
  }
  if (CONTROL_CHARS.test(value)) throw new FieldError(field, 'must not contain control characters');
  return value;
}

function optionalIdString(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : idString(body, field, ID_MAX);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed JSON value against the vendor change-event schema. Unknown fields are
 * dropped (forward compatible, and nothing unvalidated travels on); the returned event
 * holds only the documented fields.
 */
export function validateVendorEvent(value: unknown): EventValidation {
  if (!isObject(value)) return { ok: false, field: '(body)', reason: 'must be a JSON object' };
  try {
    const eventId = idString(value, 'eventId', EVENT_ID_MAX);
    const type = value['type'];
    if (typeof type !== 'string' || !TYPES.has(type)) {
      throw new FieldError('type', `must be one of ${VENDOR_EVENT_TYPES.join(', ')}`);
    }
    const clientId = idString(value, 'clientId', ID_MAX);
    const resourceType = idString(value, 'resourceType', 64);
    if (!RESOURCE_TYPE.test(resourceType)) {
      throw new FieldError('resourceType', 'must be a resource type name (letters and digits)');
    }
    const resourceId = idString(value, 'resourceId', ID_MAX);
    const encounterId = optionalIdString(value, 'encounterId');
    const occurredAt = idString(value, 'occurredAt', 64);
    if (!ISO_DATE_TIME.test(occurredAt) || Number.isNaN(Date.parse(occurredAt))) {
      throw new FieldError('occurredAt', 'must be an ISO 8601 date-time with an offset');
    }
    const actorUserId = optionalIdString(value, 'actorUserId');
    const event: VendorChangeEvent = {
      eventId,
      type: type as VendorEventType,
      clientId,
      resourceType,
      resourceId,
      occurredAt,
      ...(encounterId === undefined ? {} : { encounterId }),
      ...(actorUserId === undefined ? {} : { actorUserId }),
    };
    return { ok: true, event };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, field: err.field, reason: err.reason };
    throw err;
  }
}
