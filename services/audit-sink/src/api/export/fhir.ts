import type { AuditAction, AuditOutcome } from '@carerelay/events';
import type { AuditRecord } from '../queries/audit-events.js';

/** The FHIR R4 shapes this export writes (only the elements used). */
export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}
interface Identifier {
  readonly system: string;
  readonly value: string;
}
interface Reference {
  readonly reference?: string;
  readonly identifier?: Identifier;
  readonly display?: string;
}
interface AuditEventAgent {
  readonly type?: { readonly coding: readonly Coding[] };
  readonly role?: readonly { readonly text: string }[];
  readonly who?: Reference;
  readonly name?: string;
  readonly requestor: boolean;
}
interface AuditEventEntity {
  readonly what: Reference;
  readonly type: Coding;
  readonly role?: Coding;
  readonly securityLabel?: readonly Coding[];
  readonly description?: string;
  readonly detail?: readonly { readonly type: string; readonly valueString: string }[];
}
export interface FhirAuditEvent {
  readonly resourceType: 'AuditEvent';
  readonly id?: string;
  readonly meta?: { readonly security: readonly Coding[] };
  readonly type: Coding;
  readonly subtype: readonly Coding[];
  readonly action: 'C' | 'R' | 'U' | 'D' | 'E';
  readonly recorded: string;
  readonly outcome: '0' | '4' | '8' | '12';
  readonly outcomeDesc?: string;
  readonly purposeOfEvent?: readonly { readonly coding?: readonly Coding[]; readonly text?: string }[];
  readonly agent: readonly AuditEventAgent[];
  readonly source: { readonly site: string; readonly observer: Reference; readonly type: readonly Coding[] };
  readonly entity: readonly AuditEventEntity[];
}
export interface FhirBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'searchset';
  readonly timestamp: string;
  readonly link: readonly { readonly relation: string; readonly url: string }[];
  readonly entry: readonly {
    readonly fullUrl?: string;
    readonly resource: FhirAuditEvent;
    readonly search: { readonly mode: 'match' };
  }[];
}

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const AUDIT_ACTION_SYSTEM = 'urn:carerelay:audit-action';

const dcm = (code: string, display: string): Coding => ({ system: DCM, code, display });
const APPLICATION_ACTIVITY = dcm('110100', 'Application Activity');
const PATIENT_RECORD = dcm('110110', 'Patient Record');
const SECURITY_ALERT = dcm('110113', 'Security Alert');

/**
 * DICOM audit event ids (the R4 AuditEvent.type binding) and the CRUDE action of each act;
 * the CareRelay action itself travels as a subtype. A Record, so a new action fails to compile.
 */
const EVENT_TYPES: Readonly<
  Record<AuditAction, { readonly type: Coding; readonly action: FhirAuditEvent['action'] }>
> = {
  PHI_ACCESS: { type: PATIENT_RECORD, action: 'R' },
  PHI_DISCLOSURE: { type: dcm('110106', 'Export'), action: 'R' },
  DEID: { type: APPLICATION_ACTIVITY, action: 'E' },
  LLM_CALL: { type: APPLICATION_ACTIVITY, action: 'E' },
  LEAK_BLOCKED: { type: SECURITY_ALERT, action: 'E' },
  POLICY_DECISION: { type: APPLICATION_ACTIVITY, action: 'E' },
  CONSENT_CHECK: { type: APPLICATION_ACTIVITY, action: 'E' },
  DRAFT_WRITTEN: { type: PATIENT_RECORD, action: 'C' },
  DRAFT_REVIEWED: { type: PATIENT_RECORD, action: 'U' },
  ALERT_RAISED: { type: PATIENT_RECORD, action: 'C' },
  ALERT_ACKNOWLEDGED: { type: PATIENT_RECORD, action: 'U' },
  CONFIG_CHANGE: { type: SECURITY_ALERT, action: 'U' },
  AUTH_FAILURE: { type: dcm('110114', 'User Authentication'), action: 'E' },
  QUERY: { type: dcm('110101', 'Audit Log Used'), action: 'R' },
  TASK_DEAD_LETTERED: { type: APPLICATION_ACTIVITY, action: 'E' },
  DEPENDENCY_UNAVAILABLE: { type: APPLICATION_ACTIVITY, action: 'E' },
  DEAD_LETTER_REPLAYED: { type: APPLICATION_ACTIVITY, action: 'E' },
  // DICOM's Emergency Override (110127) is outside R4's audit-event-type value set: a security alert.
  BREAK_GLASS: { type: SECURITY_ALERT, action: 'E' },
  OTHER: { type: APPLICATION_ACTIVITY, action: 'E' },
};

/** 0 success; 4 minor failure (refused or blocked as designed); 8 serious failure. */
const OUTCOMES: Readonly<Record<AuditOutcome, FhirAuditEvent['outcome']>> = {
  SUCCESS: '0',
  DENIED: '4',
  BLOCKED: '4',
  FAILURE: '8',
};

const PURPOSES: Readonly<Record<string, Coding>> = {
  TREATMENT: { system: ACT_REASON, code: 'TREAT', display: 'treatment' },
  PAYMENT: { system: ACT_REASON, code: 'HPAYMT', display: 'healthcare payment' },
  OPERATIONS: { system: ACT_REASON, code: 'HOPERAT', display: 'healthcare operations' },
};

/** 42 CFR Part 2 labels (DOMAIN.md): the privacy law, SUD sensitivity, restricted confidentiality. */
export const PART2_SECURITY_LABELS: readonly Coding[] = [
  { system: ACT_CODE, code: '42CFRPart2', display: '42 CFR Part2' },
  { system: ACT_CODE, code: 'ETH', display: 'substance abuse information sensitivity' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
];

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Patient/<id> when the client id is a FHIR id; otherwise the id as an identifier. */
function patientReference(clientId: string): Reference {
  return FHIR_ID.test(clientId)
    ? { reference: `Patient/${clientId}` }
    : { identifier: { system: 'urn:carerelay:client', value: clientId } };
}

function agentsOf(r: AuditRecord): AuditEventAgent[] {
  const agents: AuditEventAgent[] = [];
  if (r.actor.userId) {
    agents.push({
      who: { identifier: { system: 'urn:carerelay:user', value: r.actor.userId } },
      ...(r.actor.role ? { role: [{ text: r.actor.role }] } : {}),
      requestor: true,
    });
  }
  agents.push({
    type: { coding: [dcm('110150', 'Application')] },
    who: { identifier: { system: 'urn:carerelay:service', value: r.actor.service } },
    requestor: !r.actor.userId,
  });
  if (r.recipient) {
    agents.push({
      type: { coding: [dcm('110152', 'Destination Role ID')] },
      who: { display: r.recipient },
      name: r.recipient,
      requestor: false,
    });
  }
  return agents;
}

function detailsOf(r: AuditRecord): { type: string; valueString: string }[] {
  const named: [string, string | number | null][] = [
    ['seq', r.seq],
    ['hash', r.hash],
    ['prevHash', r.prevHash],
    ['correlationId', r.correlationId],
    ['model', r.model],
    ['templateVersion', r.templateVersion],
    ['useCase', r.useCase],
  ];
  return [
    ...named.filter(([, v]) => v !== null).map(([type, v]) => ({ type, valueString: String(v) })),
    ...Object.entries(r.counts).map(([k, v]) => ({ type: `count:${k}`, valueString: String(v) })),
    ...Object.entries(r.hashes).map(([k, v]) => ({ type: `sha256:${k}`, valueString: v })),
  ];
}

function entitiesOf(r: AuditRecord): AuditEventEntity[] {
  const entities: AuditEventEntity[] = [];
  if (r.clientId) {
    entities.push({
      what: patientReference(r.clientId),
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
      ...(r.part2 ? { securityLabel: PART2_SECURITY_LABELS } : {}),
      ...(r.description ? { description: r.description } : {}),
    });
  }
  if (r.taskId) {
    entities.push({
      what: { identifier: { system: 'urn:carerelay:task', value: r.taskId } },
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '20', display: 'Job' },
    });
  }
  // The audit record itself: chain position, ids, counts and hashes (never text).
  entities.push({
    what: { identifier: { system: 'urn:carerelay:audit-event', value: r.eventId } },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    ...(r.description && !r.clientId ? { description: r.description } : {}),
    detail: detailsOf(r),
  });
  return entities;
}

/** One stored audit event as a FHIR R4 AuditEvent (DOMAIN.md: audit → AuditEvent). */
export function fhirAuditEvent(r: AuditRecord): FhirAuditEvent {
  const mapped = EVENT_TYPES[r.action];
  const purpose = r.purposeOfUse ? PURPOSES[r.purposeOfUse] : undefined;
  return {
    resourceType: 'AuditEvent',
    ...(FHIR_ID.test(r.eventId) ? { id: r.eventId } : {}),
    ...(r.part2 ? { meta: { security: PART2_SECURITY_LABELS } } : {}),
    type: mapped.type,
    subtype: [
      { system: AUDIT_ACTION_SYSTEM, code: r.action },
      ...(r.action === 'AUTH_FAILURE' ? [dcm('110122', 'Login')] : []),
    ],
    action: mapped.action,
    recorded: r.occurredAt,
    outcome: OUTCOMES[r.outcome],
    ...(r.reasonCode ? { outcomeDesc: r.reasonCode } : {}),
    ...(r.purposeOfUse
      ? { purposeOfEvent: [purpose ? { coding: [purpose] } : { text: r.purposeOfUse }] }
      : {}),
    agent: agentsOf(r),
    source: {
      site: r.tenantId,
      observer: {
        identifier: { system: 'urn:carerelay:service', value: r.actor.service },
        display: `CareRelay ${r.actor.service}`,
      },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity: entitiesOf(r),
  };
}

/** A searchset Bundle of AuditEvents, with the link to the next page when there is one. */
export function fhirAuditBundle(
  records: readonly AuditRecord[],
  links: { readonly self: string; readonly next?: string },
  now: Date = new Date(),
): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: now.toISOString(),
    link: [
      { relation: 'self', url: links.self },
      ...(links.next ? [{ relation: 'next', url: links.next }] : []),
    ],
    entry: records.map((r) => ({
      ...(UUID.test(r.eventId) ? { fullUrl: `urn:uuid:${r.eventId.toLowerCase()}` } : {}),
      resource: fhirAuditEvent(r),
      search: { mode: 'match' as const },
    })),
  };
}
