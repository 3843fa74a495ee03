import { randomUUID } from 'node:crypto';
import type { AuditTrail, AuthFailureAggregator } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { EhrChange, UseCase } from '@carerelay/events';
import type { BearerVerifier, Principal } from '@carerelay/runtime';
import { decideAccess } from '../domain/access.js';
import { stableId } from '../domain/stable-id.js';
import { taskIdFor } from '../handlers/plan-change.js';

/** Body of `POST /v1/tasks` (the "draft with AI" button in the note composer). */
export interface OnDemandRequest {
  readonly clientId: string;
  readonly useCase: UseCase;
  readonly encounterId?: string;
  /** Act in this role when the user has several; default: the first role allowed the use case. */
  readonly role?: string;
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
  readonly now?: () => number;
}

export interface OnDemandAccepted {
  readonly taskId: string;
  readonly changeEventId: string;
}

function forbidden(code: string, message: string): CareRelayError {
  return new CareRelayError(code, message, { httpStatus: 403 });
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
  const now = (deps.now ?? Date.now)();
  await deps.publishChange({
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
  });
  return { taskId: taskIdFor(deps.tenantId, eventId, request.useCase), changeEventId: eventId };
}
