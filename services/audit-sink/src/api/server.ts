import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import { AuthFailureAggregator } from '@carerelay/audit';
import { CareRelayError } from '@carerelay/errors';
import type { Logger } from '@carerelay/logger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  createOfficerVerifier,
  type Officer,
  type OfficerAuthOptions,
  type OfficerVerifier,
} from './auth.js';
import { forbidden, isPublicError, validationMessage, type ErrorBody } from './errors.js';
import type { Queryable } from './queries/audit-events.js';
import { authFailureOf, type QueryAuditTrail } from './query-audit.js';
import { registerAuditRoutes, type ChainVerifier, type ComplianceLimits } from './routes.js';

export interface ComplianceApiOptions {
  /** Postgres pool logged in as carerelay_audit_reader (SELECT only). */
  readonly pool: Queryable;
  /** Chain verification of the store, e.g. `(t, r) => verifyChain(pool, t, r)`. */
  readonly verifier: ChainVerifier;
  /** The audit trail QUERY and AUTH_FAILURE events are published to. */
  readonly audit: QueryAuditTrail;
  /** Token checks (JWKS or PEM), or a ready verifier. */
  readonly auth: OfficerAuthOptions | OfficerVerifier;
  readonly log: Logger;
  readonly limits?: Partial<ComplianceLimits>;
  readonly now?: () => Date;
  /**
   * Where refused requests are counted: per source, reason and minute, one AUTH_FAILURE
   * each, so a flood of bad tokens writes a handful of events. Default: one on `audit`.
   * The server starts it and shuts it down (recording what it still counts) on close.
   */
  readonly authFailures?: AuthFailureAggregator;
}

export interface ComplianceApi {
  /** Binds (127.0.0.1 unless told otherwise) and resolves with the base URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ComplianceLimits = { maxRangeDays: 400, exportMaxRows: 10_000 };

/** SQLSTATE classes that mean "the store is not answering", not "this request is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)/;

/** The SQLSTATE (or socket error code) of an error or of the first cause that has one. */
function storeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^([0-9A-Z]{5}|E[A-Z]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps anything thrown to a status and a body that never carries SQL, stacks or internals. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody; logged: boolean } {
  const answer = (status: number, code: string, message: string, logged = false) => ({
    status,
    body: { error: { code, message } },
    logged,
  });
  if (isPublicError(error))
    return answer(error.httpStatus, error.code, error.message, error.httpStatus >= 500);
  const e = error as Partial<FastifyError>;
  if (Array.isArray(e.validation)) {
    return answer(400, 'INVALID_REQUEST', validationMessage(e.validationContext, e.validation));
  }
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && e.statusCode && e.statusCode < 500) {
    return answer(e.statusCode, 'INVALID_REQUEST', 'request is not valid for this endpoint');
  }
  const code = storeCode(error);
  if (code === '57014') {
    return answer(
      503,
      'QUERY_TIMEOUT',
      'the query took too long; narrow the filters or the time range',
      true,
    );
  }
  if (
    (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || code.startsWith('E'))) ||
    (error instanceof CareRelayError && error.retryable)
  ) {
    return answer(503, 'STORE_UNAVAILABLE', 'the audit store is not answering; retry later', true);
  }
  return answer(500, 'INTERNAL_ERROR', 'internal error; it was logged', true);
}

async function buildServer(options: ComplianceApiOptions): Promise<FastifyInstance> {
  const log = options.log.child({ component: 'compliance-api' });
  const verify = typeof options.auth === 'function' ? options.auth : createOfficerVerifier(options.auth);
  const officers = new WeakMap<FastifyRequest, Officer>();
  const app = Fastify({
    logger: false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 16 * 1024,
    // Unknown query parameters are refused, not silently dropped.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CareRelay compliance API',
        version: '1.0.0',
        description:
          "Read-only access to one tenant's hash-chained audit trail, for the compliance_officer role. " +
          'Every answered query is itself audited (QUERY); refused requests are audited, counted per source, reason and minute (AUTH_FAILURE).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });

  const authFailures =
    options.authFailures ??
    AuthFailureAggregator.fromConfig({
      trail: options.audit,
      // The refusals stand either way; unrecorded counts are kept, retried, and an operator alarm.
      onError: (cause, failures) =>
        log.error(
          { errorCode: 'AUDIT_TRAIL_UNAVAILABLE', failures, cause: storeCode(cause) },
          'auth failures not audited yet',
        ),
    });
  authFailures.start();
  app.addHook('onClose', () => authFailures.shutdown());

  const refuse = (request: FastifyRequest, error: CareRelayError, extra: object): Promise<never> => {
    authFailures.note(
      authFailureOf({
        code: error.code,
        requestId: request.id,
        source: request.ip,
        route: `${request.method} ${request.routeOptions.url ?? '(unknown route)'}`,
        ...extra,
      }),
    );
    return Promise.reject(error);
  };

  app.addHook('onRequest', async (request) => {
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public) return;
    const authorization = request.headers.authorization;
    const verdict = await verify(authorization);
    if (verdict.ok) {
      officers.set(request, verdict.officer);
      return;
    }
    if (verdict.error.httpStatus >= 500) throw verdict.error;
    await refuse(request, verdict.error, { principal: verdict.principal });
  });

  // Tenancy (ARCHITECTURE.md rule 7): a tenant named in the query must be the token's own.
  app.addHook('preHandler', async (request) => {
    const officer = officers.get(request);
    const requested = (request.query as { tenantId?: unknown } | undefined)?.tenantId;
    if (officer && requested !== undefined && requested !== officer.tenantId) {
      await refuse(
        request,
        forbidden('TENANT_FORBIDDEN', "an officer may read only their own tenant's audit trail"),
        {
          principal: { userId: officer.userId, tenantId: officer.tenantId },
        },
      );
    }
  });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, logged } = errorAnswer(error);
    if (logged) {
      // Codes only: a pg message can quote SQL and values.
      log.error(
        {
          requestId: request.id,
          route: request.routeOptions.url,
          errorCode: body.error.code,
          cause: storeCode(error),
        },
        'compliance API request failed',
      );
    }
    if (status === 503) reply.header('retry-after', '5');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such endpoint; see /openapi.json' } }),
  );

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());

  registerAuditRoutes(app, {
    db: options.pool,
    verifyChain: options.verifier,
    trail: options.audit,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    now: options.now ?? (() => new Date()),
    officerOf: (request) => {
      const officer = officers.get(request);
      if (!officer)
        throw new CareRelayError('AUTH_STATE_MISSING', 'request reached a handler unauthenticated');
      return officer;
    },
  });
  await app.ready();
  return app;
}

/**
 * The compliance HTTP API of audit-sink (fastify 5, OpenAPI at GET /openapi.json): search,
 * accounting of disclosures, chain verification, CSV/FHIR export and LLMOps metrics, each
 * scoped to the officer's tenant.
 */
export function createComplianceApi(options: ComplianceApiOptions): ComplianceApi {
  const built = buildServer(options);
  // A build failure surfaces from listen(); it must not also be an unhandled rejection.
  built.catch(() => undefined);
  return {
    listen: async (port, host = '127.0.0.1') => (await built).listen({ port, host }),
    close: async () => (await built).close(),
  };
}

/** The built fastify instance, for tests that inject requests without a socket. */
export function buildComplianceServer(options: ComplianceApiOptions): Promise<FastifyInstance> {
  return buildServer(options);
}
