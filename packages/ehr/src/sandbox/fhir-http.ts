import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, forbidden, getStatus, normalizeOperationOutcome, unauthorized } from '@medplum/core';
import type { FhirResponse, FhirRouter, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { SandboxAuth } from './auth.js';
import { capabilityStatement, smartConfiguration } from './capability.js';
import { queryRecord, requestTarget, type SandboxRequestLog } from './request-log.js';
import type { SandboxRepository } from './sandbox-repository.js';
import { requiredAccess, scopeAllows } from './scopes.js';

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

export interface FhirHttpContext {
  readonly router: FhirRouter;
  readonly repo: SandboxRepository;
  readonly auth: SandboxAuth;
  /** Path prefix the FHIR base is served under, e.g. `/fhir/R4`. */
  readonly basePath: string;
  readonly baseUrl: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Every request answered is recorded here (tests assert what the product read). */
  readonly requestLog?: SandboxRequestLog;
}

/** What a request is answered with; sent (and logged) in one place. */
interface FhirAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const answerOutcome = (outcome: OperationOutcome, headers?: Record<string, string>): FhirAnswer => ({
  status: getStatus(outcome),
  body: outcome,
  ...(headers ? { headers } : {}),
});

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyError('request body exceeds 5 MB');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError('request body is not valid JSON');
  }
}

class BodyError extends Error {}

/**
 * FHIR allows `patient=123` when the target type is implied; Medplum's in-memory
 * search compares reference strings literally, so the sandbox adds the type.
 */
export function normalizeReferenceParams(search: URLSearchParams): void {
  for (const [name, type] of [
    ['patient', 'Patient'],
    ['encounter', 'Encounter'],
  ] as const) {
    const values = search.getAll(name);
    if (values.length === 0) continue;
    search.delete(name);
    for (const value of values) search.append(name, value.includes('/') ? value : `${type}/${value}`);
  }
}

/** The scope check for one REST call; a batch or transaction needs every entry allowed. */
function isAllowed(scope: string, method: string, path: string, body: unknown, baseUrl: string): boolean {
  if (path === '' && method === 'POST') {
    const entries = (body as Bundle | undefined)?.entry ?? [];
    return entries.every((entry) => {
      const url = (entry.request?.url ?? '').replace(`${baseUrl}/`, '');
      return isAllowed(scope, entry.request?.method ?? 'GET', url, undefined, baseUrl);
    });
  }
  const access = requiredAccess(method, path);
  // System-level calls (search across types, history) need a wildcard scope.
  return access ? scopeAllows(scope, access.resourceType, access.action) : scopeAllows(scope, '*', 'search');
}

/**
 * Medplum's router returns searchsets without fullUrl or paging links; a polling
 * client pages with `next`, so the sandbox adds them (the store honours _offset).
 */
export function addSearchLinks(bundle: Bundle, requestUrl: URL, baseUrl: string): Bundle {
  const entry = bundle.entry?.map((e) =>
    e.resource?.id ? { fullUrl: `${baseUrl}/${e.resource.resourceType}/${e.resource.id}`, ...e } : e,
  );
  const offset = Number(requestUrl.searchParams.get('_offset') ?? 0);
  const shown = entry?.length ?? 0;
  const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: requestUrl.href }];
  if (bundle.total !== undefined && offset + shown < bundle.total && shown > 0) {
    const next = new URL(requestUrl.href);
    next.searchParams.set('_offset', String(offset + shown));
    if (!next.searchParams.has('_count')) next.searchParams.set('_count', String(shown));
    link.push({ relation: 'next', url: next.href });
  }
  return { ...bundle, link, ...(entry ? { entry } : {}) };
}

export async function handleFhirHttp(
  ctx: FhirHttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.baseUrl);
  const path = url.pathname.slice(ctx.basePath.length).replace(/^\/+|\/+$/g, '');
  const method = req.method ?? 'GET';
  // Taken before answerFhir normalises the search parameters: the log shows what the client asked.
  const query = queryRecord(url.searchParams);
  const caller: { clientId?: string } = {};
  const record = (status: number): void =>
    ctx.requestLog?.record({
      method,
      path,
      ...requestTarget(path),
      query,
      ...caller,
      status,
      at: new Date(),
    });

  let answer: FhirAnswer;
  try {
    answer = await answerFhir(ctx, req, url, path, method, caller);
  } catch (err) {
    record(500);
    throw err;
  }
  // Recorded before sending: a test that has its response sees the request in the log.
  record(answer.status);
  send(res, answer.status, answer.body, answer.headers);
}

async function answerFhir(
  ctx: FhirHttpContext,
  req: IncomingMessage,
  url: URL,
  path: string,
  method: string,
  caller: { clientId?: string },
): Promise<FhirAnswer> {
  // Discovery documents are public, as SMART requires.
  if (method === 'GET' && path === 'metadata')
    return { status: 200, body: capabilityStatement(ctx.baseUrl, ctx.tokenEndpoint) };
  if (method === 'GET' && path === '.well-known/smart-configuration') {
    return {
      status: 200,
      body: smartConfiguration(ctx.issuer, ctx.tokenEndpoint),
      headers: { 'content-type': 'application/json' },
    };
  }

  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const claims = bearer ? await ctx.auth.verifyAccessToken(bearer) : undefined;
  if (!claims) return answerOutcome(unauthorized, { 'www-authenticate': 'Bearer realm="sandbox-ehr"' });
  if (typeof claims['client_id'] === 'string') caller.clientId = claims['client_id'];
  if (!METHODS.has(method)) return answerOutcome(badRequest(`unsupported method ${method}`));

  let body: unknown;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyError) return answerOutcome(badRequest(err.message));
    throw err;
  }

  if (!isAllowed(claims.scope ?? '', method, path, body, ctx.baseUrl)) return answerOutcome(forbidden);

  normalizeReferenceParams(url.searchParams);
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const routerUrl = path + (url.searchParams.size > 0 ? `?${url.searchParams.toString()}` : '');

  let result: FhirResponse;
  try {
    result = await ctx.router.handleRequest(
      {
        method: method as HttpMethod,
        url: routerUrl,
        pathname: '',
        body,
        params: {},
        query,
        headers: req.headers,
      },
      ctx.repo,
    );
  } catch (err) {
    result = [normalizeOperationOutcome(err)];
  }
  const [outcome, resource] = result;
  const status = getStatus(outcome);
  if (!resource) return { status, body: outcome };
  const headers: Record<string, string> = {};
  if (status === 201 && resource.id)
    headers['location'] = `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`;
  if (resource.meta?.versionId) headers['etag'] = `W/"${resource.meta.versionId}"`;
  const isSearchset = resource.resourceType === 'Bundle' && resource.type === 'searchset';
  return { status, body: isSearchset ? addSearchLinks(resource, url, ctx.baseUrl) : resource, headers };
}
