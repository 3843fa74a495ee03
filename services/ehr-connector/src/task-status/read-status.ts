import type { AuthFailureAggregator } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { BearerVerifier, Principal } from '@carerelay/runtime';
import type { TaskState } from './task-status.js';
import type { TaskStatusStore } from './task-status-store.js';

/** The body of `GET /v1/tasks/{id}`: ids, codes and times only. */
export interface TaskStatusView {
  readonly taskId: string;
  readonly state: TaskState;
  readonly useCase: string | null;
  readonly reasonCode: string | null;
  readonly rule: string | null;
  /** ISO 8601. */
  readonly updatedAt: string;
  readonly history: readonly { readonly state: TaskState; readonly at: string }[];
}

export interface ReadStatusDeps {
  readonly tenantId: string;
  readonly verify: BearerVerifier;
  readonly store: TaskStatusStore;
  /** Refused tokens are counted here, as for `POST /v1/tasks`. */
  readonly authFailures: Pick<AuthFailureAggregator, 'note'>;
  /** The request's peer address, the source failures are counted per. */
  readonly source: string;
}

/** Roles that may read any task's status of their tenant (oversight and operations). */
export const STATUS_READER_ROLES: readonly string[] = ['compliance_officer', 'platform_admin'];

export const TASK_STATUS_ROUTE = 'GET /v1/tasks/:taskId';

const notFound = (): CareRelayError =>
  new CareRelayError('TASK_NOT_FOUND', 'no such task for this user', { httpStatus: 404 });

/**
 * Authenticates like `POST /v1/tasks` (a refused token is a 401 and counted; another
 * tenant's token a 403), then answers the status to the user who asked for the task or to a
 * compliance officer or platform admin. Anyone else, and an unknown id, gets the same 404:
 * the answer never tells whether another user's task exists.
 *
 * Not audited: the answer holds no PHI (no client id, no text; the task id is an opaque
 * hash) and a client polls it, so each read would add audit rows without accounting value.
 * Refused tokens are audited, through the AUTH_FAILURE aggregate.
 */
export async function readTaskStatus(
  authorization: string | undefined,
  taskId: string,
  deps: ReadStatusDeps,
): Promise<TaskStatusView> {
  let principal: Principal;
  try {
    principal = await deps.verify(authorization);
    if (principal.tenantId !== deps.tenantId) {
      throw new CareRelayError('AUTH_WRONG_TENANT', 'token is for another tenant', { httpStatus: 403 });
    }
  } catch (err) {
    deps.authFailures.note({
      tenantId: deps.tenantId,
      source: deps.source,
      reasonCode: err instanceof CareRelayError ? err.code : 'AUTH_TOKEN_INVALID',
      route: TASK_STATUS_ROUTE,
    });
    throw err;
  }
  const status = await deps.store.get(deps.tenantId, taskId);
  if (!status) throw notFound();
  const oversight = principal.roles.some((r) => STATUS_READER_ROLES.includes(r));
  if (!oversight && (status.userId === null || status.userId !== principal.userId)) throw notFound();
  return {
    taskId: status.taskId,
    state: status.state,
    useCase: status.useCase,
    reasonCode: status.reasonCode,
    rule: status.rule,
    updatedAt: new Date(status.updatedAt).toISOString(),
    history: status.history.map((h) => ({ state: h.state, at: new Date(h.at).toISOString() })),
  };
}
