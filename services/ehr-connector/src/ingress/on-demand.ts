import { randomUUID } from 'node:crypto';
import type { AuditTrail, AuthFailureAggregator } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { EhrChange, UseCase } from '@carerelay/events';
import type { BearerVerifier, Principal } from '@carerelay/runtime';
import { decideAccess } from '../domain/access.js';
import { stableId } from '../domain/stable-id.js';
import { taskIdForChange } from '../handlers/plan-change.js';
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
  readonly now?: () => number;
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
  const role = candidates.find(
    (r) => decideAccess({ role: r, useCase: request.useCase, onCareTeam: true }).allowed,
  );
  if (!role) {
    await deps.audit.record({
      tenantId: deps.tenantId,
      clientId: request.clientId,
      userId: principal.userId,
      role: candidates[0] ?? null,
      action: 'POLICY_DECISION',
      outcome: 'DENIED',
      reasonCode: 'USE_CASE_NOT_PERMITTED_FOR_ROLE',
      useCase: request.useCase,
    });
    throw forbidden('USE_CASE_NOT_PERMITTED_FOR_ROLE', `no role of the user may request ${request.useCase}`);
  }

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
  const change: EhrChange = {
    eventId,
    tenantId: deps.tenantId,
    clientId: request.clientId,
    changeType: 'OTHER',
    source: 'ON_DEMAND',
    vendor: 'carerelay',
    resourceType: request.encounterId ? 'Encounter' : 'Patient',
    resourceId: request.encounterId ?? request.clientId,
    resourceVersion: null,
    encounterId: request.encounterId ?? null,
    actorUserId: principal.userId,
    actorRole: role,
    occurredAt: now,
    receivedAt: now,
    requestedUseCase: request.useCase,
    redraft: request.redraft === true,
  };
  await deps.publishChange(change).catch(async (err: unknown) => {
    // Not queued: a retry with the same key must be able to queue it.
    if (storeKey) await storeStep(() => deps.idempotency.store.release(storeKey), deps.idempotency);
    throw err;
  });
  const accepted = { taskId: taskIdForChange(change, request.useCase), changeEventId: eventId };
  if (storeKey) {
    const record = { fingerprint, answer: accepted };
    await storeStep(
      () => deps.idempotency.store.complete(storeKey, record, deps.idempotency.ttlSeconds),
      deps.idempotency,
    );
  }
  return accepted;
}
