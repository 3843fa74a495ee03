import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { AuthFailureAggregator, type AuditTrail } from '@carerelay/audit';
import { createWebhookHandler, type ReplayStore } from '@carerelay/ehr';
import { CareRelayError } from '@carerelay/errors';
import { USE_CASE_VALUES, type EhrChange } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import type { BearerVerifier } from '@carerelay/runtime';
import Fastify, { type FastifyError } from 'fastify';
import {
  acceptOnDemand,
  type IdempotencyOptions,
  type OnDemandPolicy,
  type OnDemandRequest,
} from './on-demand.js';
import { readTaskStatus } from '../task-status/read-status.js';
import type { TaskStatusStore } from '../task-status/task-status-store.js';
import { changeFromWebhook } from './vendor-change.js';

export const WEBHOOK_PATH = '/v1/webhooks/ehr';
export const TASKS_PATH = '/v1/tasks';

export interface IngressOptions {
  readonly host: string;
  readonly port: number;
  readonly tenantId: string;
  readonly logger: Logger;
  readonly audit: AuditTrail;
  readonly publishChange: (change: EhrChange) => Promise<void>;
  /** Signed-webhook ingress (vendors without FHIR); absent = the path answers 404. */
  readonly webhook?: { readonly secret: Buffer; readonly vendor: string; readonly replay: ReplayStore };
  /**
   * On-demand requests with a user's JWT, their `Idempotency-Key`s bound to their requests;
   * absent = the path answers 404.
   */
  readonly tasks?: { readonly verify: BearerVerifier; readonly idempotency: IdempotencyOptions };
  /**
   * The policy engine's inputs: on-demand requests are decided at once where they can be.
   * Absent: only the role is checked here and the planner decides the rest.
   */
  readonly policy?: OnDemandPolicy;
  /**
   * Task statuses (the audit-stream projection): with `tasks`, `GET /v1/tasks/:taskId`
   * answers them with the same token check; absent = that path answers 404.
   */
  readonly taskStatus?: TaskStatusStore;
  /**
   * Where refused tokens and webhook signatures are counted (one AUTH_FAILURE per source,
   * reason and minute). Default: one on `audit`; started here, flushed on close.
   */
  readonly authFailures?: AuthFailureAggregator;
}

export interface RunningIngress {
  readonly url: string;
  close(): Promise<void>;
}

// Identifiers: 1–256 characters, no control characters.
const ID = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;

const taskBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'useCase'],
  properties: {
    clientId: ID,
    useCase: { type: 'string', enum: USE_CASE_VALUES },
    encounterId: ID,
    role: { type: 'string', minLength: 1, maxLength: 64 },
    redraft: { type: 'boolean' },
    breakGlass: {
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
    },
  },
} as const;

const idempotencyHeaderSchema = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/**
 * The connector's public HTTP ingress: `POST /v1/webhooks/ehr` (signed vendor webhooks,
 * read raw so the signature covers the exact bytes; protocol in packages/ehr/src/webhook)
 * and `POST /v1/tasks` (on-demand requests with a user's JWT). Both end in `ehr.change.v1`.
 * Every rejection is a 4xx `{code, reason}`; a bus outage is a 503 and nothing is lost.
 */
export async function startIngress(options: IngressOptions): Promise<RunningIngress> {
  const log = options.logger.child({ component: 'ingress' });
  const { webhook, tasks } = options;
  const authFailures =
    options.authFailures ??
    AuthFailureAggregator.fromConfig({
      trail: options.audit,
      onError: (_err, failures) =>
        log.error({ errorCode: 'AUDIT_TRAIL_UNAVAILABLE', failures }, 'auth failures not audited yet'),
    });
  authFailures.start();
  const webhookHandler = webhook
    ? createWebhookHandler({
        secretFor: (tenantId) => (tenantId === options.tenantId ? webhook.secret : undefined),
        replay: webhook.replay,
        onEvent: (event, tenantId) =>
          options.publishChange(changeFromWebhook(event, tenantId, webhook.vendor)),
        onError: (err) => log.warn({ errorCode: err.code }, 'webhook delivery not accepted'),
        // Code, status and a hash of the peer address: never the body or a header value.
        onRejected: (rejected) => {
          log.warn(
            {
              errorCode: rejected.code,
              status: rejected.status,
              sourceSha256: createHash('sha256').update(rejected.source).digest('hex').slice(0, 16),
            },
            'webhook delivery rejected',
          );
          if (rejected.authenticationFailure) {
            // The claimed tenant header is unverified: the failure goes to this ingress's tenant.
            authFailures.note({
              tenantId: options.tenantId,
              source: rejected.source,
              reasonCode: rejected.code,
              route: `POST ${WEBHOOK_PATH}`,
            });
          }
        },
      })
    : undefined;

  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    serverFactory: (fastifyHandler) =>
      createServer((req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? '').split('?')[0];
        if (path === WEBHOOK_PATH && webhookHandler) void webhookHandler(req, res);
        else fastifyHandler(req, res);
      }),
  });

  app.setErrorHandler((error: FastifyError | CareRelayError, _request, reply) => {
    if (error instanceof CareRelayError) {
      if (error.httpStatus >= 500) log.warn({ errorCode: error.code }, 'on-demand request failed');
      return reply
        .code(error.httpStatus >= 400 ? error.httpStatus : 500)
        .send({ code: error.code, reason: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({
        code: 'TASK_REQUEST_INVALID',
        reason: `${error.validationContext ?? 'body'}${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? 'is invalid'}`,
      });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 503;
    if (status >= 500) log.warn({ errorCode: error.code ?? 'INGRESS_FAILED' }, 'on-demand request failed');
    return reply.code(status).send({
      code: status === 503 ? 'TASK_NOT_ACCEPTED' : (error.code ?? 'BAD_REQUEST'),
      reason: status === 503 ? 'request could not be queued; retry later' : error.message,
    });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: 'NOT_FOUND', reason: 'no such endpoint' }),
  );

  if (tasks) {
    app.post<{ Body: OnDemandRequest; Headers: { 'idempotency-key'?: string } }>(
      TASKS_PATH,
      { schema: { body: taskBodySchema, headers: idempotencyHeaderSchema } },
      async (request, reply) => {
        const accepted = await acceptOnDemand(
          request.headers.authorization,
          request.headers['idempotency-key'],
          request.body,
          {
            tenantId: options.tenantId,
            verify: tasks.verify,
            audit: options.audit,
            authFailures,
            source: request.ip,
            publishChange: options.publishChange,
            idempotency: tasks.idempotency,
            ...(options.policy ? { policy: options.policy } : {}),
            ...(options.taskStatus ? { taskStatus: options.taskStatus } : {}),
          },
        );
        return reply.code(202).send(accepted);
      },
    );
  }

  const { taskStatus } = options;
  if (tasks && taskStatus) {
    app.get<{ Params: { taskId: string } }>(
      `${TASKS_PATH}/:taskId`,
      { schema: { params: { type: 'object', required: ['taskId'], properties: { taskId: ID } } } },
      async (request, reply) => {
        const status = await readTaskStatus(request.headers.authorization, request.params.taskId, {
          tenantId: options.tenantId,
          verify: tasks.verify,
          store: taskStatus,
          authFailures,
          source: request.ip,
        });
        return reply.code(200).send(status);
      },
    );
  }

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as AddressInfo;
  const url = `http://${options.host}:${address.port}`;
  log.info({ url, webhook: Boolean(webhook), tasks: Boolean(tasks) }, 'ingress listening');
  return {
    url,
    close: async () => {
      app.server.closeIdleConnections();
      await app.close();
      await authFailures.shutdown();
    },
  };
}
