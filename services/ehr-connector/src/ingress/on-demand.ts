import { randomUUID } from 'node:crypto';
import type { AuditTrail, AuthFailureAggregator } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { EhrChange, UseCase } from '@carerelay/events';
import { detect } from '@carerelay/phi';
import { CATALOGUE, decide, PURPOSE_EVENT_VALUE, rolesFor, type PolicyDecision } from '@carerelay/policy';
import type { BearerVerifier, Principal } from '@carerelay/runtime';
import { stableId } from '../domain/stable-id.js';
import { taskIdForChange } from '../handlers/plan-change.js';
import { DEFAULT_BREAK_GLASS_TTL_SECONDS } from '../policy/break-glass.js';
import { decideRequest, type TaskPolicyDeps } from '../policy/task-policy.js';
import { markQueued } from '../task-status/project-audit.js';
import type { TaskStatusStore } from '../task-status/task-status-store.js';
import { requestFingerprint, type IdempotencyStore } from './idempotency-store.js';

/** Body of `POST /v1/tasks` (the "draft with AI" button in the note composer). */
export interface OnDemandRequest {
  readonly clientId: string;
  readonly useCase: UseCase;
  readonly encounterId?: string;
  /** Act in this role when the user has several; default: the first role allowed the use case. */
  readonly role?: string;
  /**
   * Ask for a new draft although this encounter (or resource) and use case already has one:
   * a new task, audited as REDRAFT_REQUESTED. Without it the existing task id is answered.
   */
  readonly redraft?: boolean;
  /**
   * Break-glass: a clinician outside the client's care team acting in an emergency, with a
   * mandatory justification. Honoured for treatment use cases only, for a limited time,
   * audited as BREAK_GLASS and listed for compliance review.
   */
  readonly breakGlass?: { readonly reason: string };
}

export interface OnDemandDeps {
  readonly tenantId: string;
  readonly verify: BearerVerifier;
  readonly audit: AuditTrail;
  /** Refused tokens are counted here: one AUTH_FAILURE per source, reason and minute. */
  readonly authFailures: Pick<AuthFailureAggregator, 'note'>;
  /** The request's peer address, the source failures are counted per. */
  readonly source: string;
  readonly publishChange: (change: EhrChange) => Promise<void>;
  readonly idempotency: IdempotencyOptions;
  /**
   * The policy engine's inputs: the decision is answered here (403 with the reason) where it
   * can be. Absent: only the role is checked here; the planner decides the rest.
   */
  readonly policy?: OnDemandPolicy;
  /** Where `GET /v1/tasks/{id}` reads: the accepted request is `queued` there at once. */
  readonly taskStatus?: TaskStatusStore;
  readonly now?: () => number;
}

export interface OnDemandPolicy extends TaskPolicyDeps {
  /** How long a break-glass grant lasts (default 1 h). */
  readonly breakGlassTtlSeconds?: number;
}

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** How long a key stays bound to its request and answer (e.g. 24 h). */
  readonly ttlSeconds: number;
  /** A store slower than this is an outage: 503, nothing queued (default 2 s). */
  readonly timeoutMs?: number;
}

export interface OnDemandAccepted {
  readonly taskId: string;
  readonly changeEventId: string;
}

/** A user's request for a use case as an `ehr.change.v1` (the API's, the CLI's: one shape). */
export function onDemandChange(request: {
  readonly eventId: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly encounterId: string | null;
  readonly userId: string;
  readonly role: string;
  readonly useCase: UseCase;
  readonly redraft: boolean;
  readonly vendor: string;
  readonly now: number;
}): EhrChange {
  return {
    eventId: request.eventId,
    tenantId: request.tenantId,
    clientId: request.clientId,
    changeType: 'OTHER',
    source: 'ON_DEMAND',
    vendor: request.vendor,
    resourceType: request.encounterId ? 'Encounter' : 'Patient',
    resourceId: request.encounterId ?? request.clientId,
    resourceVersion: null,
    encounterId: request.encounterId,
    actorUserId: request.userId,
    actorRole: request.role,
    occurredAt: request.now,
    receivedAt: request.now,
    requestedUseCase: request.useCase,
    redraft: request.redraft,
  };
}

function forbidden(code: string, message: string): CareRelayError {
  return new CareRelayError(code, message, { httpStatus: 403 });
}

// A claim whose request never completed (crash, store outage) frees itself after this.
const IN_FLIGHT_TTL_SECONDS = 60;

/** The store's answer within the timeout; an error or a timeout is a retryable 503 (fail closed). */
async function storeStep<T>(step: () => Promise<T>, options: IdempotencyOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const unavailable = (cause?: unknown): CareRelayError =>
    new CareRelayError('IDEMPOTENCY_STORE_UNAVAILABLE', 'idempotency keys cannot be checked; retry later', {
      retryable: true,
      httpStatus: 503,
      cause,
    });
  try {
    return await Promise.race([
      step(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable()), options.timeoutMs ?? 2_000);
      }),
    ]);
  } catch (err) {
    throw err instanceof CareRelayError ? err : unavailable(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Binds the key to the fingerprint of its request (tenant, user, normalized body). The same
 * request again gets the original answer; another request with the key is a 422
 * (IETF `Idempotency-Key` draft, as Stripe): one key can never queue a task for another client.
 */
async function bindKey(
  storeKey: string,
  fingerprint: string,
  options: IdempotencyOptions,
): Promise<OnDemandAccepted | undefined> {
  const ttl = Math.min(IN_FLIGHT_TTL_SECONDS, options.ttlSeconds);
  const bound = await storeStep(() => options.store.claim(storeKey, { fingerprint }, ttl), options);
  if (!bound) return undefined;
  if (bound.fingerprint !== fingerprint) {
    throw new CareRelayError(
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for a different request; use a new key',
      { httpStatus: 422 },
    );
  }
  if (bound.answer) return bound.answer;
  throw new CareRelayError(
    'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    'the first request with this key is in progress',
    {
      httpStatus: 409,
      retryable: true,
    },
  );
}

/**
 * Authenticates the user, checks role × use case at once (403 without touching the EHR),
 * and queues the request as an ON_DEMAND `ehr.change.v1`: the planner then checks the
 * care-team relationship, reads the minimum-necessary context and plans the task, exactly
 * as for any other change. An `Idempotency-Key` makes a retried click the same task.
 */
export async function acceptOnDemand(
  authorization: string | undefined,
  idempotencyKey: string | undefined,
  request: OnDemandRequest,
  deps: OnDemandDeps,
): Promise<OnDemandAccepted> {
  let principal: Principal;
  try {
    principal = await deps.verify(authorization);
    if (principal.tenantId !== deps.tenantId) {
      throw forbidden('AUTH_WRONG_TENANT', 'token is for another tenant');
    }
  } catch (err) {
    const code = err instanceof CareRelayError ? err.code : 'AUTH_TOKEN_INVALID';
    deps.authFailures.note({
      tenantId: deps.tenantId,
      source: deps.source,
      reasonCode: code,
      route: 'POST /v1/tasks',
      useCase: request.useCase,
    });
    throw err;
  }

  const candidates = request.role ? [request.role] : principal.roles;
  if (request.role && !principal.roles.includes(request.role)) {
    throw forbidden('AUTH_ROLE_NOT_HELD', 'the token does not grant the requested role');
  }
  const permitted = rolesFor(request.useCase);
  const role = candidates.find((r) => permitted.includes(r));
  const refuse = async (decision: PolicyDecision, asRole: string | null): Promise<never> => {
    await deps.audit.record({
      tenantId: deps.tenantId,
      clientId: request.clientId,
      userId: principal.userId,
      role: asRole,
      action: 'POLICY_DECISION',
      outcome: 'DENIED',
      reasonCode: decision.reasonCode,
      purposeOfUse: PURPOSE_EVENT_VALUE[decision.purposeOfUse],
      description: `use case ${request.useCase}; rule ${decision.rule}`,
      useCase: request.useCase,
    });
    throw forbidden(
      decision.reasonCode ?? 'POLICY_DENIED',
      `${request.useCase} refused for this request (rule ${decision.rule})`,
    );
  };
  if (!role) {
    return refuse(
      decide({ tenantId: deps.tenantId, role: candidates[0] ?? '', useCase: request.useCase, rollout: {} }),
      candidates[0] ?? null,
    );
  }
  if (deps.policy) await decideNow(principal, role, request, deps.policy, deps, refuse);

  const eventId = idempotencyKey
    ? stableId('ondemand', deps.tenantId, principal.userId, idempotencyKey)
    : `ondemand-${randomUUID()}`;
  const storeKey = idempotencyKey && stableId('key', deps.tenantId, principal.userId, idempotencyKey);
  const fingerprint = requestFingerprint({
    tenantId: deps.tenantId,
    userId: principal.userId,
    clientId: request.clientId,
    useCase: request.useCase,
    encounterId: request.encounterId ?? null,
    role: request.role ?? null,
    // A redraft is another request than the draft it replaces (present only when asked).
    ...(request.redraft === true ? { redraft: 'true' } : {}),
    ...(request.breakGlass ? { breakGlass: request.breakGlass.reason } : {}),
  });
  const original = storeKey
    ? await bindKey(storeKey, fingerprint, deps.idempotency).catch(async (err: unknown) => {
        // A key replayed with another body may be a bug or an attempt to reach another chart:
        // refused and audited (the key itself is never recorded).
        if (err instanceof CareRelayError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
          await deps.audit.record({
            tenantId: deps.tenantId,
            clientId: request.clientId,
            userId: principal.userId,
            role,
            action: 'POLICY_DECISION',
            outcome: 'DENIED',
            reasonCode: err.code,
            useCase: request.useCase,
          });
        }
        throw err;
      })
    : undefined;
  if (original) return original;
  const now = (deps.now ?? Date.now)();
  const change = onDemandChange({
    eventId,
    tenantId: deps.tenantId,
    clientId: request.clientId,
    encounterId: request.encounterId ?? null,
    userId: principal.userId,
    role,
    useCase: request.useCase,
    redraft: request.redraft === true,
    vendor: 'carerelay',
    now,
  });
  await deps.publishChange(change).catch(async (err: unknown) => {
    // Not queued: a retry with the same key must be able to queue it.
    if (storeKey) await storeStep(() => deps.idempotency.store.release(storeKey), deps.idempotency);
    throw err;
  });
  const accepted = { taskId: taskIdForChange(change, request.useCase), changeEventId: eventId };
  if (deps.taskStatus) {
    // Best effort: the status is a view; the planner's audit events project it anyway.
    await markQueued(deps.taskStatus, {
      tenantId: deps.tenantId,
      taskId: accepted.taskId,
      useCase: request.useCase,
      userId: principal.userId,
      at: now,
    }).catch(() => undefined);
  }
  if (storeKey) {
    const record = { fingerprint, answer: accepted };
    await storeStep(
      () => deps.idempotency.store.complete(storeKey, record, deps.idempotency.ttlSeconds),
      deps.idempotency,
    );
  }
  return accepted;
}

/** Break-glass justifications are kept for review, with identifiers masked (the audit holds no PHI). */
function maskedReason(reason: string): string {
  const text = reason.trim().slice(0, 500);
  let out = '';
  let at = 0;
  for (const span of detect(text).sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    out += `${text.slice(at, span.start)}[${span.type}]`;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * The synchronous part of the decision: rollout and the relationship to the client (read
 * from the EHR), with a break-glass grant when one is asked for. When the EHR cannot be
 * asked now the planner decides later (the task status shows the outcome).
 */
async function decideNow(
  principal: Principal,
  role: string,
  request: OnDemandRequest,
  policy: OnDemandPolicy,
  deps: OnDemandDeps,
  refuse: (decision: PolicyDecision, role: string) => Promise<never>,
): Promise<void> {
  const requester = {
    tenantId: deps.tenantId,
    clientId: request.clientId,
    userId: principal.userId,
    role,
    useCase: request.useCase,
    encounterId: request.encounterId ?? null,
  };
  let answer: Awaited<ReturnType<typeof decideRequest>>;
  try {
    answer = await decideRequest(requester, policy);
  } catch (err) {
    // The EHR cannot be asked now: the planner decides later (the task status shows it).
    if (err instanceof CareRelayError && err.retryable) return;
    // An encounter of another client named with this client: refused, like the planner would.
    if (err instanceof CareRelayError && err.code === 'EHR_SUBJECT_MISMATCH') {
      return refuse(
        {
          allowed: false,
          reasonCode: err.code,
          rule: 'subject.check',
          purposeOfUse: CATALOGUE[request.useCase].purposeOfUse,
          breakGlass: false,
          part2: false,
          consentRef: null,
        },
        role,
      );
    }
    throw err;
  }
  const { decision, facts } = answer;
  if (decision.allowed) return;
  if (decision.rule !== 'relationship.required' || !request.breakGlass) return refuse(decision, role);
  const now = (deps.now ?? Date.now)();
  const glass = {
    reason: maskedReason(request.breakGlass.reason),
    expiresAt: now + (policy.breakGlassTtlSeconds ?? DEFAULT_BREAK_GLASS_TTL_SECONDS) * 1000,
  };
  const overridden = decide({ ...facts, breakGlass: glass, now });
  const audit = {
    tenantId: deps.tenantId,
    clientId: request.clientId,
    userId: principal.userId,
    role,
    useCase: request.useCase,
    purposeOfUse: PURPOSE_EVENT_VALUE[overridden.purposeOfUse],
  };
  if (!overridden.allowed) {
    await deps.audit.record({
      ...audit,
      action: 'BREAK_GLASS',
      outcome: 'DENIED',
      reasonCode: overridden.reasonCode,
      description: `rule ${overridden.rule}`,
    });
    return refuse(overridden, role);
  }
  await policy.breakGlass.grant(deps.tenantId, principal.userId, request.clientId, glass);
  await deps.audit.record({
    ...audit,
    action: 'BREAK_GLASS',
    outcome: 'SUCCESS',
    reasonCode: 'BREAK_GLASS_OVERRIDE',
    description: `until ${new Date(glass.expiresAt).toISOString()}: ${glass.reason}`,
    counts: { ttlSeconds: Math.round((glass.expiresAt - now) / 1000) },
  });
}
