import { ALERT_IDENTIFIER_SYSTEM, referencedId, type FhirClient } from '@carerelay/ehr';
import type { AuditTrail } from '@carerelay/audit';
import { LOINC_SYSTEM, questionnaireKinds, SUMMED_INSTRUMENTS } from '@carerelay/clinical';
import type { ChangeType, EhrChange } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { stableId } from '../domain/stable-id.js';

/** Where polling resumes: the last `meta.lastUpdated` seen, and the ids already emitted at that instant. */
export interface PollCursor {
  readonly lastUpdated: string;
  readonly idsAtCursor: readonly string[];
}

/**
 * Persisted between restarts (Redis in distributed mode, memory in tests and embedded mode).
 * `save` never moves a cursor backwards: a pass that read the EHR before another pass (or
 * replica) advanced the cursor leaves the later cursor in place (see cursorToStore).
 */
export interface CursorStore {
  load(key: string): Promise<PollCursor | undefined>;
  save(key: string, cursor: PollCursor): Promise<void>;
}

/**
 * What to store when `next` is saved over `stored`: `next` if it is later, the union of the
 * ids if both are at the same instant, nothing (undefined) if `next` is earlier.
 */
export function cursorToStore(stored: PollCursor | undefined, next: PollCursor): PollCursor | undefined {
  if (!stored) return next;
  const [was, now] = [Date.parse(stored.lastUpdated), Date.parse(next.lastUpdated)];
  if (now < was) return undefined;
  if (now > was || stored.lastUpdated !== next.lastUpdated) return next;
  const ids = [...next.idsAtCursor, ...stored.idsAtCursor.filter((id) => !next.idsAtCursor.includes(id))];
  return { lastUpdated: next.lastUpdated, idsAtCursor: ids };
}

/**
 * One polling replica per tenant at a time (optional; several connector replicas): a short
 * lease taken for a pass. `acquire` resolves to a release function, or undefined when another
 * replica holds the lease. A pass that outlives its lease is harmless: the cursor store never
 * moves back and the planner plans each task once.
 */
export interface PollLease {
  acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

export class InMemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, PollCursor>();
  load(key: string): Promise<PollCursor | undefined> {
    return Promise.resolve(this.cursors.get(key));
  }
  save(key: string, cursor: PollCursor): Promise<void> {
    const kept = cursorToStore(this.cursors.get(key), cursor);
    if (kept) this.cursors.set(key, kept);
    return Promise.resolve();
  }
}

interface Polled {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { readonly lastUpdated?: string; readonly versionId?: string };
  readonly subject?: { readonly reference?: string };
  /** Task: the client it is for, and who owns (completed) it. */
  readonly for?: { readonly reference?: string };
  /** Consent: the client it is about. */
  readonly patient?: { readonly reference?: string };
  /** Communication: who wrote it (a portal message is the client's own). */
  readonly sender?: { readonly reference?: string };
  readonly status?: string;
  readonly owner?: { readonly reference?: string };
  readonly executionPeriod?: { readonly end?: string };
  readonly identifier?: ReadonlyArray<{ readonly system?: string }>;
  readonly participant?: ReadonlyArray<{ readonly individual?: { readonly reference?: string } }>;
  readonly period?: { readonly end?: string };
  readonly docStatus?: string;
  readonly authenticator?: { readonly reference?: string };
  /** A DocumentReference's authors (a list), a QuestionnaireResponse's author (one). */
  readonly author?: ReadonlyArray<{ readonly reference?: string }> | { readonly reference?: string };
  readonly context?: { readonly encounter?: ReadonlyArray<{ readonly reference?: string }> };
}

/** The client a polled resource is about: its subject, a Task's `for`, a Consent's patient, a message's sender. */
function clientOf(r: Polled): string | undefined {
  return referencedId(
    r.subject?.reference ?? r.for?.reference ?? r.patient?.reference ?? r.sender?.reference,
    'Patient',
  );
}

/** A polled QuestionnaireResponse is the whole resource: its items decide what it is. */
const asResponse = (r: Polled): QuestionnaireResponse => r as unknown as QuestionnaireResponse;

/** What is polled, and what changes each match means (DOMAIN.md: polling with _lastUpdated). */
interface Watch {
  readonly resourceType: string;
  readonly query: Record<string, string>;
  /**
   * The changes a returned resource may be, each with a test the search cannot express (R4
   * DocumentReference has no docStatus parameter) or one an EHR may not apply (a `system|`
   * identifier search). One search, one read audit, however many changes it yields; the
   * cursor is named after the first.
   */
  readonly changes: ReadonlyArray<{ readonly change: ChangeType; readonly matches?: (r: Polled) => boolean }>;
}

const WATCHES: readonly Watch[] = [
  { resourceType: 'Encounter', query: { status: 'finished' }, changes: [{ change: 'SESSION_ENDED' }] },
  {
    resourceType: 'DocumentReference',
    query: { status: 'current' },
    changes: [{ change: 'NOTE_SIGNED', matches: (r) => r.docStatus === 'final' }],
  },
  {
    // A completed CareRelay alert-review Task: the alert's acknowledgement (DOMAIN.md, low-noise
    // alerting: every alert needs acknowledgement, logged). `identifier=<system>|` matches any
    // value of the system; `matches` repeats it for an EHR that ignores the parameter, so other
    // completed Tasks never reach the topic.
    resourceType: 'Task',
    query: { status: 'completed', identifier: `${ALERT_IDENTIFIER_SYSTEM}|` },
    changes: [
      {
        change: 'TASK_COMPLETED',
        matches: (r) => r.identifier?.some((i) => i.system === ALERT_IDENTIFIER_SYSTEM) === true,
      },
    ],
  },
  // A portal message from the client (not the practice's replies, not CareRelay's drafts,
  // which are `preparation`): message triage, for EHRs that send no webhook for it.
  {
    resourceType: 'Communication',
    query: { status: 'completed' },
    changes: [
      {
        change: 'MESSAGE_RECEIVED',
        matches: (r) => r.status === 'completed' && (r.sender?.reference ?? '').startsWith('Patient/'),
      },
    ],
  },
  // A Consent written or revoked: the planner drops the client's cached consents, so the
  // next task decides on the new version (a revocation is effective at once).
  { resourceType: 'Consent', query: {}, changes: [{ change: 'OTHER' }] },
  // A completed form: a screen (PHQ-9, PHQ-2, GAD-7, C-SSRS; alone or inside an intake form) is
  // scored and checked for validated risk triggers at once; an intake form is also extracted.
  {
    resourceType: 'QuestionnaireResponse',
    query: { status: 'completed' },
    changes: [
      {
        change: 'ASSESSMENT_COMPLETED',
        matches: (r) => r.status === 'completed' && questionnaireKinds(asResponse(r)).instrument,
      },
      {
        change: 'INTAKE_SUBMITTED',
        matches: (r) => r.status === 'completed' && questionnaireKinds(asResponse(r)).intake,
      },
    ],
  },
  // An EHR that records only the total as an Observation (no form): the same screen.
  {
    resourceType: 'Observation',
    query: { code: SUMMED_INSTRUMENTS.map((i) => `${LOINC_SYSTEM}|${i.total}`).join(',') },
    changes: [
      {
        change: 'ASSESSMENT_COMPLETED',
        matches: (r) => r.status === 'final' || r.status === 'amended' || r.status === 'corrected',
      },
    ],
  },
];

/**
 * Polls the EHR for changes by `_lastUpdated`. The cursor is saved after each published
 * change (never before it was published), and resources at the cursor's instant are
 * remembered by id: a restart neither misses a change (`ge`, not `gt`) nor repeats
 * one. One pass at a time per poller (a call during a pass joins it), and the store never
 * moves a cursor back. An event id names the resource and the state it reached, not its
 * version: an edit of a finished Encounter is the same change seen again, and the planner
 * plans one task per encounter and use case whatever the ingress anyway.
 */
export class FhirChangePoller {
  private running: Promise<number> | undefined;

  constructor(
    private readonly options: {
      readonly fhir: FhirClient;
      readonly cursors: CursorStore;
      readonly tenantId: string;
      readonly vendor: string;
      readonly publish: (change: EhrChange) => Promise<void>;
      readonly logger: Logger;
      /** Where a first poll starts (default: now, so history is not replayed). */
      readonly startAt?: string;
      /** Shared by the replicas of this tenant's connector (absent: this process only). */
      readonly lease?: PollLease;
      /** How long a pass may hold the lease (default 60 s). */
      readonly leaseMs?: number;
      /**
       * Where the poll's reads of PHI are audited: one PHI_ACCESS (purpose OPERATIONS) per
       * client, watch and pass that returned that client's resources (a searched signed note is
       * the note's text). Absent only in tests of the polling mechanics.
       */
      readonly audit?: Pick<AuditTrail, 'record'>;
    },
  ) {}

  /** One pass over every watch; returns how many changes were published. */
  pollOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { lease } = this.options;
    const release = lease
      ? await lease.acquire(this.options.tenantId, this.options.leaseMs ?? 60_000)
      : undefined;
    if (lease && !release) {
      this.options.logger.debug(
        { tenantId: this.options.tenantId },
        'another replica is polling: pass skipped',
      );
      return 0;
    }
    try {
      return await this.watchAll();
    } finally {
      await release?.();
    }
  }

  private async watchAll(): Promise<number> {
    let published = 0;
    for (const watch of WATCHES) {
      const key = `${this.options.tenantId}:${watch.resourceType}:${watch.changes[0]?.change ?? 'OTHER'}`;
      let cursor = await this.options.cursors.load(key);
      if (!cursor) {
        // The first pass fixes the baseline at once: later passes must resume from it, not
        // from their own "now", or a change made between two empty passes would be missed.
        cursor = { lastUpdated: this.options.startAt ?? new Date().toISOString(), idsAtCursor: [] };
        await this.options.cursors.save(key, cursor);
      }
      const found = await this.options.fhir.search(watch.resourceType as 'Encounter', {
        ...watch.query,
        _lastUpdated: `ge${cursor.lastUpdated}`,
        _sort: '_lastUpdated',
        _count: '100',
      });
      const resources = (found as unknown as Polled[])
        .filter((r) => r.id && r.meta?.lastUpdated)
        .sort((a, b) => a.meta!.lastUpdated!.localeCompare(b.meta!.lastUpdated!));
      await this.auditReads(watch.resourceType, resources);
      let next: PollCursor = cursor;
      for (const r of resources) {
        const at = r.meta!.lastUpdated!;
        if (at === cursor.lastUpdated && cursor.idsAtCursor.includes(r.id!)) continue;
        const clientId = clientOf(r);
        const changes = clientId ? watch.changes.filter((c) => c.matches?.(r) ?? true) : [];
        for (const { change } of changes) {
          await this.options.publish(this.changeOf(r, change, clientId!));
          published += 1;
        }
        const relevant = changes.length > 0;
        next =
          at === next.lastUpdated
            ? { lastUpdated: at, idsAtCursor: [...next.idsAtCursor, r.id!] }
            : { lastUpdated: at, idsAtCursor: [r.id!] };
        // Saved after each published change, so a connector that dies mid-pass repeats at
        // most the one change it was publishing (same event id: idempotent downstream).
        if (relevant) await this.options.cursors.save(key, next);
      }
      if (next !== cursor) await this.options.cursors.save(key, next);
    }
    if (published > 0) this.options.logger.info({ published }, 'changes polled');
    return published;
  }

  /** One PHI_ACCESS per client whose resources the search returned (before anything is published). */
  private async auditReads(resourceType: string, resources: readonly Polled[]): Promise<void> {
    if (!this.options.audit || resources.length === 0) return;
    const perClient = new Map<string | null, number>();
    for (const r of resources) {
      const clientId =
        referencedId(
          r.subject?.reference ?? r.for?.reference ?? r.patient?.reference ?? r.sender?.reference,
          'Patient',
        ) ?? null;
      perClient.set(clientId, (perClient.get(clientId) ?? 0) + 1);
    }
    for (const [clientId, count] of perClient) {
      await this.options.audit.record({
        tenantId: this.options.tenantId,
        clientId,
        action: 'PHI_ACCESS',
        outcome: 'SUCCESS',
        purposeOfUse: 'OPERATIONS',
        description: `change polling read ${resourceType}`,
        counts: { resources: count },
      });
    }
  }

  private changeOf(r: Polled, changeType: ChangeType, clientId: string): EhrChange {
    const now = Date.now();
    return {
      eventId: stableId('poll', this.options.tenantId, changeType, `${r.resourceType}/${r.id}`),
      tenantId: this.options.tenantId,
      clientId,
      changeType,
      source: 'POLL',
      vendor: this.options.vendor,
      resourceType: r.resourceType,
      resourceId: r.id!,
      resourceVersion: r.meta?.versionId ?? null,
      encounterId:
        r.resourceType === 'Encounter'
          ? r.id!
          : (referencedId(r.context?.encounter?.[0]?.reference, 'Encounter') ?? null),
      actorUserId:
        [
          referencedId(r.authenticator?.reference, 'Practitioner'),
          referencedId(r.owner?.reference, 'Practitioner'),
          ...[r.author ?? []].flat().map((a) => referencedId(a.reference, 'Practitioner')),
          ...(r.participant ?? []).map((p) => referencedId(p.individual?.reference, 'Practitioner')),
        ].find(Boolean) ?? null,
      occurredAt: Date.parse(r.period?.end ?? r.executionPeriod?.end ?? r.meta?.lastUpdated ?? '') || now,
      receivedAt: now,
      requestedUseCase: null,
      actorRole: null,
      redraft: false,
    };
  }
}
