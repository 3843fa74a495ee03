import { createHash } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import { createLogger } from '@carerelay/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthFailureAggregator, type AuditFacts } from '@carerelay/audit';
import type { Queryable } from './queries/audit-events.js';
import type { ChainVerifier } from './routes.js';
import { buildComplianceServer } from './server.js';
import { createTokenIssuer, TEST_AUDIENCE, TEST_ISSUER, type TokenIssuer } from './testing.js';

type Facts = Omit<AuditFacts, 'service'>;

let issuer: TokenIssuer;
let app: FastifyInstance;
let authFailures: AuthFailureAggregator;
let officerToken: string;
const audited: Facts[] = [];
const sql: unknown[] = [];
let failQueryWith: Error | undefined;
let failTrail = false;
let verifier: ChainVerifier = () => Promise.resolve({ ok: true, checked: 0 });

const pool = {
  query: (query: unknown) => {
    sql.push(query);
    if (failQueryWith !== undefined) return Promise.reject(failQueryWith);
    return Promise.resolve({ rows: [] });
  },
} as unknown as Queryable;

beforeAll(async () => {
  issuer = await createTokenIssuer('RS256');
  officerToken = await issuer.sign('tenant-a', { sub: 'officer-1' });
  const audit = {
    record: (facts: Facts) => {
      if (failTrail) return Promise.reject(new Error('kafka down'));
      audited.push(facts);
      return Promise.resolve();
    },
  };
  authFailures = AuthFailureAggregator.fromConfig({ trail: audit });
  app = await buildComplianceServer({
    pool,
    verifier: (tenantId, range) => verifier(tenantId, range),
    audit,
    authFailures,
    auth: { publicKeyPem: issuer.publicKeyPem, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
    log: createLogger({ service: 'test', level: 'silent' }),
  });
});
afterAll(() => app.close());
beforeEach(() => {
  audited.length = 0;
  sql.length = 0;
  failQueryWith = undefined;
  failTrail = false;
  verifier = () => Promise.resolve({ ok: true, checked: 0 });
});

async function get(url: string, token: string | null = officerToken) {
  const res = await app.inject({
    method: 'GET',
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return {
    status: res.statusCode,
    body: res.body,
    json: res.json<{ error?: { code: string; message: string } }>(),
  };
}

/** Nothing of the store's internals may reach a caller. */
const INTERNALS =
  /select |insert |from audit|pg_|postgres|syntax error|ECONNREFUSED|stack|\.ts:\d+|node_modules/i;

describe('bad input is refused with 400 and a clear message, before any SQL runs', () => {
  const enc = encodeURIComponent;
  const cases: [string, string, RegExp][] = [
    ['SQL injection in clientId', `/v1/audit/events?clientId=${enc("' OR 1=1 --")}`, /clientId/],
    ['stacked statement in userId', `/v1/audit/events?userId=${enc('1;DROP TABLE audit.events')}`, /userId/],
    [
      'injection in templateVersion',
      `/v1/audit/events?templateVersion=${enc("x' UNION SELECT 1")}`,
      /templateVersion/,
    ],
    ['malformed date', '/v1/audit/events?from=2025-13-45T00:00:00Z', /from.*ISO 8601/],
    ['words for a date', '/v1/audit/events?to=yesterday', /to.*ISO 8601/],
    ['unknown parameter', '/v1/audit/events?tenant=other', /unknown query parameter "tenant"/],
    ['limit zero', '/v1/audit/events?limit=0', /limit.*>= 1/],
    ['limit over the maximum', '/v1/audit/events?limit=1001', /limit.*<= 1000/],
    ['limit not a number', '/v1/audit/events?limit=ten', /limit.*integer/],
    ['unknown action', '/v1/audit/events?action=DROP', /action.*one of/],
    ['repeated parameter', '/v1/audit/events?clientId=a&clientId=b', /clientId/],
    [
      'range over 400 days',
      '/v1/audit/events?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z',
      /more than 400 days/,
    ],
    [
      'reversed range',
      '/v1/audit/events?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z',
      /earlier than to/,
    ],
    ['cursor with forbidden characters', `/v1/audit/events?cursor=${enc("a' --")}`, /cursor/],
    [
      'cursor not issued by the API',
      `/v1/audit/events?cursor=${Buffer.from('["x","1"]').toString('base64url')}`,
      /cursor/,
    ],
    ['accounting without a client', '/v1/audit/disclosures', /"clientId" is required/],
    [
      'accounting over six years',
      '/v1/audit/disclosures?clientId=c1&from=2015-01-01T00:00:00Z&to=2025-01-01T00:00:00Z',
      /days/,
    ],
    ['export without a format', '/v1/audit/export', /"format" is required/],
    ['export format unknown', '/v1/audit/export?format=xml', /format.*csv, fhir/],
    ['export limit over the cap', '/v1/audit/export?format=csv&limit=10001', /limit/],
    ['metrics grouping unknown', '/v1/metrics/llmops?groupBy=week', /groupBy/],
    [
      'verify reversed range',
      '/v1/audit/verify?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z',
      /earlier than to/,
    ],
  ];
  it.each(cases)('%s', async (_name, url, message) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toMatch(message);
    expect(res.body).not.toMatch(INTERNALS);
    expect(sql).toEqual([]);
    expect(audited.filter((f) => f.action === 'QUERY')).toEqual([]);
  });
});

describe('authentication and tenancy: 401/403, each refusal audited as AUTH_FAILURE', () => {
  it.each([
    ['no token', () => Promise.resolve(null), 401, 'AUTH_TOKEN_MISSING', 'unknown'],
    [
      'a stranger signature',
      async () => (await createTokenIssuer('RS256')).sign('tenant-a'),
      401,
      'AUTH_TOKEN_INVALID',
      'unknown',
    ],
    [
      'an expired token',
      () => issuer.sign('tenant-a', {}, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      401,
      'AUTH_TOKEN_EXPIRED',
      'unknown',
    ],
    [
      'a clinician token',
      () => issuer.sign('tenant-a', { roles: ['clinician'] }),
      403,
      'AUTH_ROLE_REQUIRED',
      'tenant-a',
    ],
    ['a token without tenant', () => issuer.sign(null), 403, 'AUTH_TENANT_MISSING', 'unknown'],
  ] as const)('%s → %i', async (_name, token, status, code, auditTenant) => {
    const res = await get('/v1/audit/events?clientId=c1', await token());
    expect(res.status).toBe(status);
    expect(res.json.error).toMatchObject({ code });
    expect(sql).toEqual([]);
    await authFailures.flush(true);
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'AUTH_FAILURE',
        outcome: 'DENIED',
        reasonCode: code,
        tenantId: auditTenant,
        counts: expect.objectContaining({ failures: 1 }) as unknown,
      }),
    ]);
  });

  it("refuses another tenant's trail with 403, audited in the officer's own tenant", async () => {
    const res = await get('/v1/audit/events?tenantId=tenant-b');
    expect(res.status).toBe(403);
    expect(res.json.error?.code).toBe('TENANT_FORBIDDEN');
    expect(sql).toEqual([]);
    await authFailures.flush(true);
    expect(audited).toEqual([
      expect.objectContaining({ action: 'AUTH_FAILURE', tenantId: 'tenant-a', userId: 'officer-1' }),
    ]);
  });

  it('serves the OpenAPI document without a token, every route with its parameters', async () => {
    const res = await get('/openapi.json', null);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<string, { get: { parameters?: { name: string }[]; description?: string } }>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/audit/disclosures',
      '/v1/audit/events',
      '/v1/audit/export',
      '/v1/audit/verify',
      '/v1/metrics/llmops',
    ]);
    expect(doc.paths['/v1/audit/events']!.get.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'clientId',
        'userId',
        'action',
        'from',
        'to',
        'model',
        'templateVersion',
        'limit',
        'cursor',
      ]),
    );
    expect(doc.paths['/v1/metrics/llmops']!.get.description).toMatch(/normalized edit distance is <= 0.2/);
  });
});

describe('failures behind the API never leak internals', () => {
  it('answers a SQL error with a generic 500', async () => {
    failQueryWith = Object.assign(
      new Error('syntax error at or near "SELECT" in SELECT * FROM audit.events'),
      { code: '42601' },
    );
    const res = await get('/v1/audit/events');
    expect(res.status).toBe(500);
    expect(res.json.error).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error; it was logged' });
    expect(res.body).not.toMatch(INTERNALS);
  });

  it('answers a statement timeout with 503 and advice', async () => {
    failQueryWith = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    const res = await get('/v1/audit/disclosures?clientId=c1');
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe('QUERY_TIMEOUT');
  });

  it('answers a store error from the verifier with 503, without its message', async () => {
    verifier = () =>
      Promise.reject(
        new CareRelayError('AUDIT_STORE_UNAVAILABLE', 'verify: connect ECONNREFUSED 127.0.0.1:5432', {
          retryable: true,
        }),
      );
    const res = await get('/v1/audit/verify');
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe('STORE_UNAVAILABLE');
    expect(res.body).not.toMatch(INTERNALS);
  });

  it('withholds the answer when the query cannot be audited', async () => {
    failTrail = true;
    const res = await get('/v1/audit/events?clientId=c1');
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe('AUDIT_TRAIL_UNAVAILABLE');
    expect(res.body).not.toMatch(/events/);
  });
});

describe('answered queries are audited without the filter values', () => {
  it('records QUERY with filter names in the text and identifier filters only as SHA-256', async () => {
    const res = await get('/v1/audit/events?clientId=client-secret-42&action=PHI_ACCESS');
    expect(res.status).toBe(200);
    expect(audited).toHaveLength(1);
    const facts = audited[0]!;
    expect(facts).toMatchObject({
      tenantId: 'tenant-a',
      action: 'QUERY',
      outcome: 'SUCCESS',
      userId: 'officer-1',
    });
    expect(JSON.stringify({ ...facts, hashes: undefined })).not.toContain('client-secret-42');
    expect(facts.description).toMatch(/clientId/);
    expect(facts.hashes?.['clientId']).toBe(createHash('sha256').update('client-secret-42').digest('hex'));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await get('/v1/audit/nothing');
    expect(res.status).toBe(404);
    expect(res.json.error?.code).toBe('NOT_FOUND');
  });
});
