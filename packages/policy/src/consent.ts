import type { CodeableConcept, Coding, Consent, ConsentProvision, Period } from '@medplum/fhirtypes';
import { ACT_CODE_SYSTEM, referenceKey } from './part2.js';

/**
 * Consent decisions from FHIR Consent resources (DOMAIN.md "Consent in FHIR", issue #13 item 3).
 * Pure: the caller fetches (and caches) the patient's Consents; this decides one question.
 *
 * Which consents concern a kind:
 * - part2: `policyRule` (or `category`) coding v3-ActCode `42CFRPart2`, or a `policy[].uri` naming
 *   the regulation (contains '42cfrpart2', or both 'title-42' and 'part-2', case-insensitive).
 * - ai_processing / recording: a `category` or `policyRule` coding in CARERELAY_CONSENT_SYSTEM with
 *   code `ai-assisted-processing` / `session-recording`. A LOINC 59284-0 category may sit beside it;
 *   it says "consent document", not what was consented to, so alone it concerns no kind.
 * `scope` and `category` are otherwise informative; the provision decides.
 *
 * How they are combined (the rule, precisely):
 * 1. Versions: for each Consent id only the latest version counts (numeric meta.versionId, else
 *    meta.lastUpdated, else dateTime), so an old `active` version of a revoked consent grants nothing.
 * 2. `draft`, `proposed` and `entered-in-error` consents are ignored; `inactive` and `rejected` are
 *    revocations, effective at once; `active` ones may grant.
 * 3. Recency is Consent.dateTime, then meta.lastUpdated. Only active consents newer than the newest
 *    revocation of the same kind are live: a revocation withdraws everything of that kind before it,
 *    whichever Consent id it is on, because we cannot tell which recipients a patient meant to keep
 *    (conservative: it may refuse a consent the patient did not mean to withdraw). A consent given
 *    after the revocation is live again.
 * 4. Live consents are read newest first. The first that applies to the question decides: a permit
 *    whose period, purpose and recipient hold grants (unless a nested provision denies this purpose
 *    or recipient); a deny that applies refuses. So any one granting consent suffices, unless a newer
 *    deny applies.
 * 5. No live consent decides: REVOKED (with the revocation) when a revocation exists and no consent
 *    is live, else the status of the newest live consent that speaks to the question (EXPIRED,
 *    PURPOSE_NOT_COVERED…), else ABSENT. A deny whose period/purpose/recipients miss the question
 *    neither grants nor refuses it.
 *
 * Not evaluated: a provision's data scope and action (`securityLabel`, `class`, `code`, `data`,
 * `dataPeriod`, `action`), because a question names a kind, not resources. A nested exception that
 * is scoped only by data therefore applies as a whole (a data-scoped deny refuses the question:
 * fails closed), and a root permit is read as covering its kind.
 */

export const CARERELAY_CONSENT_SYSTEM = 'https://carerelay.dev/fhir/CodeSystem/consent-category';
export const AI_PROCESSING_CONSENT_CODE = 'ai-assisted-processing';
export const RECORDING_CONSENT_CODE = 'session-recording';
export const PART2_POLICY_RULE_CODE = '42CFRPart2';
export const PART2_POLICY_URI = 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2';
export const CONSENT_DOCUMENT_LOINC = '59284-0';
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

export type PurposeOfUse = 'TREAT' | 'HPAYMT' | 'HOPERAT';
export type ConsentKind = 'ai_processing' | 'recording' | 'part2';

export interface ConsentQuery {
  readonly kind: ConsentKind;
  readonly purpose: PurposeOfUse;
  /**
   * Who receives: references the practice/care team use, e.g. ['Organization/practice-1', 'Practitioner/p1'].
   * An actor with role IRCP (or with no role coding) on the provision must match one of these; a provision
   * naming no such actor restricts no recipient; an empty list = recipient not checked.
   */
  readonly recipients: readonly string[];
  readonly at: Date;
}

export type ConsentStatus =
  | 'GRANTED'
  | 'ABSENT'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'PURPOSE_NOT_COVERED'
  | 'RECIPIENT_NOT_COVERED'
  | 'DENIED_BY_PROVISION';

export interface ConsentFinding {
  readonly status: ConsentStatus;
  readonly granted: boolean;
  /** `Consent/id/_history/vid` of the consent that decided (granting or revoking), null when none applies. */
  readonly consentRef: string | null;
  /** `<KIND>_CONSENT_<STATUS>` (e.g. 'PART2_CONSENT_REVOKED'); null when granted. */
  readonly reasonCode: string | null;
}

const KIND_PREFIX: Readonly<Record<ConsentKind, string>> = {
  part2: 'PART2',
  ai_processing: 'AI',
  recording: 'RECORDING',
};

const ALL_PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'HPAYMT', 'HOPERAT'];

export function evaluateConsent(consents: readonly Consent[], query: ConsentQuery): ConsentFinding {
  const relevantIds = new Set(consents.filter((c) => concernsKind(c, query.kind)).map(identity));
  const current = latestVersions(consents.filter((c) => relevantIds.has(identity(c))))
    .filter((c) => c.status === 'active' || c.status === 'inactive' || c.status === 'rejected')
    .sort((a, b) => compareRecency(b, a));
  if (current.length === 0) return finding(query.kind, 'ABSENT', null);

  const revocation = current.find((c) => c.status !== 'active');
  const live = current.filter(
    (c) => c.status === 'active' && (!revocation || compareRecency(c, revocation) > 0),
  );
  const outcomes = live.map((c) => ({ consent: c, status: evaluateOne(c, query) }));
  const decided = outcomes.find((o) => o.status === 'GRANTED' || o.status === 'DENIED_BY_PROVISION');
  if (decided) return finding(query.kind, decided.status, decided.consent);
  if (outcomes.length === 0 && revocation) return finding(query.kind, 'REVOKED', revocation);
  // A deny that does not touch this question explains nothing; the newest consent that does, explains.
  const newest = outcomes.find((o) => o.status !== 'ABSENT');
  return newest ? finding(query.kind, newest.status, newest.consent) : finding(query.kind, 'ABSENT', null);
}

/** `Consent/id/_history/vid`, the form the accounting of disclosures names. */
export function consentReference(consent: Consent): string {
  return `Consent/${consent.id ?? ''}/_history/${consent.meta?.versionId ?? ''}`;
}

function finding(kind: ConsentKind, status: ConsentStatus, consent: Consent | null): ConsentFinding {
  const granted = status === 'GRANTED';
  return {
    status,
    granted,
    consentRef: consent ? consentReference(consent) : null,
    reasonCode: granted ? null : `${KIND_PREFIX[kind]}_CONSENT_${status}`,
  };
}

function concernsKind(consent: Consent, kind: ConsentKind): boolean {
  const codings = [...(consent.category ?? []), ...(consent.policyRule ? [consent.policyRule] : [])].flatMap(
    (cc: CodeableConcept) => cc.coding ?? [],
  );
  switch (kind) {
    case 'part2':
      return (
        codings.some(
          (c) =>
            c.code === PART2_POLICY_RULE_CODE && (c.system === undefined || c.system === ACT_CODE_SYSTEM),
        ) || (consent.policy ?? []).some((p) => namesPart2(p.uri))
      );
    case 'ai_processing':
      return codings.some(
        (c) => c.system === CARERELAY_CONSENT_SYSTEM && c.code === AI_PROCESSING_CONSENT_CODE,
      );
    case 'recording':
      return codings.some((c) => c.system === CARERELAY_CONSENT_SYSTEM && c.code === RECORDING_CONSENT_CODE);
  }
}

function namesPart2(uri: string | undefined): boolean {
  const u = (uri ?? '').toLowerCase();
  return u.includes('42cfrpart2') || (u.includes('title-42') && u.includes('part-2'));
}

/** Distinct key per Consent id; a consent without id is its own group. */
function identity(consent: Consent): Consent | string {
  return consent.id ?? consent;
}

function latestVersions(consents: readonly Consent[]): Consent[] {
  const byId = new Map<Consent | string, Consent>();
  for (const c of consents) {
    const key = identity(c);
    const seen = byId.get(key);
    if (!seen || compareVersion(c, seen) > 0) byId.set(key, c);
  }
  return [...byId.values()];
}

function compareVersion(a: Consent, b: Consent): number {
  const va = Number(a.meta?.versionId);
  const vb = Number(b.meta?.versionId);
  if (Number.isFinite(va) && Number.isFinite(vb) && va !== vb) return va - vb;
  return compareTimes(a.meta?.lastUpdated, b.meta?.lastUpdated) || compareTimes(a.dateTime, b.dateTime);
}

/** Positive when `a` is more recent: dateTime first, then meta.lastUpdated. */
function compareRecency(a: Consent, b: Consent): number {
  return compareTimes(a.dateTime, b.dateTime) || compareTimes(a.meta?.lastUpdated, b.meta?.lastUpdated);
}

function compareTimes(a: string | undefined, b: string | undefined): number {
  const ta = a ? Date.parse(a) : Number.NaN;
  const tb = b ? Date.parse(b) : Number.NaN;
  const na = Number.isNaN(ta) ? Number.NEGATIVE_INFINITY : ta;
  const nb = Number.isNaN(tb) ? Number.NEGATIVE_INFINITY : tb;
  return na === nb ? 0 : na > nb ? 1 : -1;
}

/** One active consent against the question; GRANTED/DENIED_BY_PROVISION decide, the rest explain. */
function evaluateOne(consent: Consent, query: ConsentQuery): ConsentStatus {
  // No provision: the policy (42CFRPart2, or our category) is itself the permission, without limits.
  const root: ConsentProvision = consent.provision ?? { type: 'permit' };
  const type = root.type ?? 'permit';
  const timing = periodStatus(root.period, query.at);
  const purposeOk = coversPurpose(root, query.purpose);
  const recipientOk = coversRecipients(root, query.recipients);
  if (type === 'deny') {
    if (timing !== null || !purposeOk || !recipientOk) return 'ABSENT';
    return decide(root, query, 'deny') === 'deny' ? 'DENIED_BY_PROVISION' : 'GRANTED';
  }
  if (timing) return timing;
  if (!purposeOk) return 'PURPOSE_NOT_COVERED';
  if (!recipientOk) return 'RECIPIENT_NOT_COVERED';
  return decide(root, query, 'permit') === 'permit' ? 'GRANTED' : 'DENIED_BY_PROVISION';
}

/**
 * Nested provisions are exceptions to their parent. One applies when its own period, purposes and
 * recipients (each when present) cover the question; its type defaults to the opposite of the parent.
 * When exceptions disagree, deny wins.
 */
function decide(
  provision: ConsentProvision,
  query: ConsentQuery,
  type: 'permit' | 'deny',
): 'permit' | 'deny' {
  const results = (provision.provision ?? [])
    .filter((p) => periodStatus(p.period, query.at) === null)
    .filter((p) => coversPurpose(p, query.purpose) && coversRecipients(p, query.recipients))
    .map((p) => decide(p, query, p.type ?? (type === 'permit' ? 'deny' : 'permit')));
  if (results.includes('deny')) return 'deny';
  if (results.includes('permit')) return 'permit';
  return type;
}

function coversPurpose(provision: ConsentProvision, purpose: PurposeOfUse): boolean {
  const listed = (provision.purpose ?? [])
    .filter((c: Coding) => c.system === undefined || c.system === ACT_REASON_SYSTEM)
    .map((c) => c.code);
  const purposes = (provision.purpose ?? []).length === 0 ? ALL_PURPOSES : listed;
  return purposes.includes(purpose);
}

function coversRecipients(provision: ConsentProvision, recipients: readonly string[]): boolean {
  if (recipients.length === 0) return true;
  const named = (provision.actor ?? [])
    .filter((a) => isRecipientRole(a.role))
    .map((a) => referenceKey(a.reference?.reference));
  if (named.length === 0) return true;
  const wanted = new Set(recipients.map(referenceKey));
  return named.some((key) => key !== null && wanted.has(key));
}

function isRecipientRole(role: CodeableConcept | undefined): boolean {
  const codings = role?.coding ?? [];
  if (codings.length === 0) return true;
  return codings.some(
    (c) => c.code === 'IRCP' && (c.system === undefined || c.system === PARTICIPATION_TYPE_SYSTEM),
  );
}

/** NOT_YET_VALID / EXPIRED against `at`, or null when the period holds (or is absent). */
function periodStatus(period: Period | undefined, at: Date): 'NOT_YET_VALID' | 'EXPIRED' | null {
  const t = at.getTime();
  if (period?.start !== undefined) {
    const start = fhirTimeBounds(period.start);
    if (!start || t < start.low) return 'NOT_YET_VALID';
  }
  if (period?.end !== undefined) {
    const end = fhirTimeBounds(period.end);
    if (!end || t >= end.high) return 'EXPIRED';
  }
  return null;
}

/**
 * The instants a FHIR date/dateTime covers: '2026-03-31' covers that whole day (a period's end is
 * inclusive). Partial dates have no zone, so UTC is assumed: at most a day's slack at the edges.
 * Unparseable → null, which fails closed.
 */
function fhirTimeBounds(value: string): { low: number; high: number } | null {
  const partial = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (partial) {
    const y = Number(partial[1]);
    const m = partial[2] ? Number(partial[2]) - 1 : undefined;
    const d = partial[3] ? Number(partial[3]) : undefined;
    if (m === undefined) return { low: Date.UTC(y, 0, 1), high: Date.UTC(y + 1, 0, 1) };
    if (d === undefined) return { low: Date.UTC(y, m, 1), high: Date.UTC(y, m + 1, 1) };
    return { low: Date.UTC(y, m, d), high: Date.UTC(y, m, d + 1) };
  }
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? null : { low: instant, high: instant + 1 };
}
