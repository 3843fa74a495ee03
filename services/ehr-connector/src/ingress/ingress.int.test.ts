import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditTrail, AuthFailureAggregator } from '@carerelay/audit';
import { KafkaBus, type RawRecord } from '@carerelay/bus';
import { collectRaw, eventually, uniqueName } from '@carerelay/bus/testing';
import { webhookSignatureHeader } from '@carerelay/ehr';
import { runWebhookFuzz } from '@carerelay/ehr/testing';
import {
  AvroSerde,
  RegistrySchemaStore,
  auditEventTopic,
  ehrChangeTopic,
  type AuditEvent,
  type EhrChange,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createBearerVerifier } from '@carerelay/runtime';
import { TASKS_PATH, WEBHOOK_PATH, startIngress, type RunningIngress } from './http-ingress.js';
import { RedisIdempotencyStore } from './idempotency-store.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { webhookEventId } from './vendor-change.js';

const SECRET = Buffer.from('ingress-test-secret-0123456789abcdef');
const ISSUER = 'https://idp.practice.test';
const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 0x1e55);

/**
 * The connector's HTTP ingress on real Kafka, registry and Redis: every bad webhook is
 * a 4xx with a reason and publishes nothing (checked on the topic itself), a fuzz of
 * random deliveries publishes nothing, and on-demand requests need a valid user token.
 */
describe('ehr-connector ingress (real Kafka, registry, Redis)', () => {
  const tenant = uniqueName('tenant').replace(/\./g, '-');
  const serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));
  const redis = new Redis(inject('redisUrl'));
  let bus: KafkaBus;
  let ingress: RunningIngress;
  let changes: RawRecord[];
  let audits: RawRecord[];
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;
  let authFailures: AuthFailureAggregator;
  const logLines: string[] = [];

  beforeAll(async () => {
    bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'ingress-test',
      serde,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await bus.start();
    changes = (await collectRaw(bus, ehrChangeTopic.name)).records;
    audits = (await collectRaw(bus, auditEventTopic.name)).records;
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const audit = new AuditTrail(bus, 'ehr-connector');
    authFailures = AuthFailureAggregator.fromConfig({ trail: audit });
    ingress = await startIngress({
      host: '127.0.0.1',
      port: 0,
      tenantId: tenant,
      logger: createLogger({
        service: 'test',
        level: 'warn',
        destination: { write: (line: string) => void logLines.push(line) },
      }),
      audit,
      authFailures,
      publishChange: (change) =>
        bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change }),
      webhook: {
        secret: SECRET,
        vendor: 'acme-ehr',
        replay: new RedisReplayStore(redis, `test:${randomUUID()}:`),
      },
      tasks: {
        verify: createBearerVerifier({
          publicKeyPem: await exportSPKI(pair.publicKey),
          issuer: ISSUER,
          audience: 'carerelay',
        }),
        idempotency: {
          store: new RedisIdempotencyStore(redis, `test:${randomUUID()}:idempotency:`),
          ttlSeconds: 3600,
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await ingress?.close();
    await bus?.shutdown();
    redis.disconnect();
  });

  const ours = async (): Promise<EhrChange[]> =>
    (await Promise.all(changes.map((r) => serde.decode(ehrChangeTopic, r.value!)))).filter(
      (c) => c.tenantId === tenant,
    );

  const event = (eventId: string, overrides: Record<string, unknown> = {}): Buffer =>
    Buffer.from(
      JSON.stringify({
        eventId,
        type: 'session.ended',
        clientId: 'client-7',
        resourceType: 'Encounter',
        resourceId: 'enc-7',
        encounterId: 'enc-7',
        occurredAt: new Date().toISOString(),
        actorUserId: 'clin-1',
        ...overrides,
      }),
    );

  const deliver = async (
    body: Buffer,
    opts: { timestamp?: number; secret?: Buffer; contentType?: string } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const res = await fetch(`${ingress.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': opts.contentType ?? 'application/json',
        'x-carerelay-tenant': tenant,
        'x-carerelay-timestamp': timestamp,
        'x-carerelay-signature': webhookSignatureHeader([opts.secret ?? SECRET], timestamp, body),
      },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('answers each bad delivery with its 4xx and reason, accepts a good one exactly once', async () => {
    const cases: Array<[string, Promise<{ status: number; json: Record<string, unknown> }>, number, string]> =
      [
        [
          'bad signature',
          deliver(event('evt-bad-sig'), { secret: Buffer.from('wrong') }),
          401,
          'WEBHOOK_BAD_SIGNATURE',
        ],
        [
          'stale timestamp',
          deliver(event('evt-stale'), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
          401,
          'WEBHOOK_STALE_TIMESTAMP',
        ],
        ['malformed JSON', deliver(Buffer.from('{"eventId": "evt-x",')), 400, 'WEBHOOK_MALFORMED_JSON'],
        [
          'invalid event',
          deliver(event('evt-bad-type', { type: 'session.exploded' })),
          422,
          'WEBHOOK_INVALID_EVENT',
        ],
        ['body over 1 MiB', deliver(Buffer.alloc(1024 * 1024 + 1, 0x20)), 413, 'WEBHOOK_BODY_TOO_LARGE'],
        [
          'wrong media type',
          deliver(event('evt-text'), { contentType: 'text/plain' }),
          415,
          'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
        ],
      ];
    for (const [what, pending, status, code] of cases) {
      const { status: got, json } = await pending;
      expect({ what, status: got, code: json['code'] }).toEqual({ what, status, code });
      expect(typeof json['reason']).toBe('string');
    }

    const good = event('evt-good-1');
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await deliver(good, { timestamp })).status).toBe(202);
    const replay = await deliver(good, { timestamp });
    expect([replay.status, replay.json['code']]).toEqual([409, 'WEBHOOK_REPLAYED']);

    await eventually(
      () => changes.some((r) => r.key === `${tenant}:client-7`),
      'the accepted delivery on ehr.change.v1',
    );
    const published = await ours();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      eventId: webhookEventId(tenant, 'acme-ehr', 'evt-good-1'),
      changeType: 'SESSION_ENDED',
      source: 'WEBHOOK',
      vendor: 'acme-ehr',
      clientId: 'client-7',
      encounterId: 'enc-7',
      actorUserId: 'clin-1',
    });
  }, 60_000);

  it(`a fuzz of 1,000 random deliveries (seed ${FUZZ_SEED}) gets 4xx only and publishes nothing`, async () => {
    const before = (await ours()).length;
    const { statuses, failures } = await runWebhookFuzz({
      url: `${ingress.url}${WEBHOOK_PATH}`,
      cases: 1000,
      seed: FUZZ_SEED,
      tenants: [tenant, 'another-tenant'],
    });
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);

    // A sentinel proves the path still publishes; once it is consumed, and the topic has
    // been quiet a moment longer, anything the fuzz had published would be there too.
    expect((await deliver(event('evt-sentinel', { clientId: 'client-sentinel' }))).status).toBe(202);
    await eventually(() => changes.some((r) => r.key === `${tenant}:client-sentinel`), 'sentinel');
    await new Promise((r) => setTimeout(r, 1500));
    const after = await ours();
    expect(after.length - before).toBe(1);
    expect(after.at(-1)?.clientId).toBe('client-sentinel');
  }, 120_000);

  const token = (
    claims: Record<string, unknown>,
    key: CryptoKey = signingKey,
    expiresIn = '5m',
  ): Promise<string> =>
    new SignJWT({ tenant_id: tenant, roles: ['clinician'], ...claims })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience('carerelay')
      .setSubject('clin-1')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  const requestTask = async (
    body: unknown,
    authorization?: string,
    idempotencyKey?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${ingress.url}${TASKS_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('POST /v1/tasks needs a valid token of this tenant and a permitted role, and audits refusals', async () => {
    const body = { clientId: 'client-9', useCase: 'soap_note', encounterId: 'enc-9' };
    const refused: Array<
      [string, Promise<{ status: number; json: Record<string, unknown> }>, number, string]
    > = [
      ['no token', requestTask(body), 401, 'AUTH_TOKEN_MISSING'],
      ['foreign key', requestTask(body, `Bearer ${await token({}, otherKey)}`), 401, 'AUTH_TOKEN_INVALID'],
      [
        'expired',
        requestTask(body, `Bearer ${await token({}, signingKey, '-1m')}`),
        401,
        'AUTH_TOKEN_EXPIRED',
      ],
      [
        'other tenant',
        requestTask(body, `Bearer ${await token({ tenant_id: 'someone-else' })}`),
        403,
        'AUTH_WRONG_TENANT',
      ],
      [
        'role not allowed',
        requestTask(body, `Bearer ${await token({ roles: ['front_desk'] })}`),
        403,
        'USE_CASE_NOT_PERMITTED_FOR_ROLE',
      ],
      [
        'unknown use case',
        requestTask({ ...body, useCase: 'diagnose' }, `Bearer ${await token({})}`),
        400,
        'TASK_REQUEST_INVALID',
      ],
      [
        'extra field',
        requestTask({ ...body, note: 'x' }, `Bearer ${await token({})}`),
        400,
        'TASK_REQUEST_INVALID',
      ],
      [
        'malformed JSON',
        requestTask('{"clientId":', `Bearer ${await token({})}`),
        400,
        'FST_ERR_CTP_INVALID_JSON_BODY',
      ],
    ];
    for (const [what, pending, status, code] of refused) {
      const { status: got, json } = await pending;
      expect({ what, status: got, code: json['code'] }).toEqual({ what, status, code });
    }

    const auth = `Bearer ${await token({})}`;
    const first = await requestTask(body, auth, 'click-42');
    const again = await requestTask(body, auth, 'click-42');
    expect(first.status).toBe(202);
    expect(again.json).toEqual(first.json);
    await eventually(() => changes.some((r) => r.key === `${tenant}:client-9`), 'on-demand change');
    const onDemand = (await ours()).filter((c) => c.clientId === 'client-9');
    expect(onDemand[0]).toMatchObject({
      eventId: first.json['changeEventId'],
      source: 'ON_DEMAND',
      requestedUseCase: 'soap_note',
      actorUserId: 'clin-1',
      actorRole: 'clinician',
      encounterId: 'enc-9',
    });
    expect(new Set(onDemand.map((c) => c.eventId)).size).toBe(1);

    // Refusals before the body is trusted are audited as AUTH_FAILURE (counted per source,
    // reason and minute), the role refusal as a policy denial.
    await authFailures.flush(true);
    await eventually(() => audits.length > 0, 'audit events');
    const ourAudits = async (): Promise<AuditEvent[]> =>
      (await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (a) => a.tenantId === tenant,
      );
    for (let i = 0; i < 100 && (await ourAudits()).length < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500)); // and nothing more arrives
    const reasons = (await ourAudits())
      .filter((a) => !a.reasonCode?.startsWith('WEBHOOK_'))
      .map((a) => `${a.action}:${a.reasonCode}`)
      .sort();
    expect(reasons).toEqual(
      [
        'AUTH_FAILURE:AUTH_TOKEN_EXPIRED',
        'AUTH_FAILURE:AUTH_TOKEN_INVALID',
        'AUTH_FAILURE:AUTH_TOKEN_MISSING',
        'AUTH_FAILURE:AUTH_WRONG_TENANT',
        'POLICY_DECISION:USE_CASE_NOT_PERMITTED_FOR_ROLE',
      ].sort(),
    );
  }, 60_000);

  it('an Idempotency-Key is bound to its request: another body is a 422, the same body the original answer, one change', async () => {
    const auth = `Bearer ${await token({})}`;
    const forA = { clientId: 'client-idem-a', useCase: 'soap_note', encounterId: 'enc-idem-a' };
    const forB = { clientId: 'client-idem-b', useCase: 'soap_note', encounterId: 'enc-idem-b' };
    const first = await requestTask(forA, auth, 'click-reused');
    expect(first.status).toBe(202);
    const reused = await requestTask(forB, auth, 'click-reused');
    expect([reused.status, reused.json['code']]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const sameAgain = await requestTask(forA, auth, 'click-reused');
    expect(sameAgain.status).toBe(202);
    expect(sameAgain.json).toEqual(first.json);

    // Sentinels on the same partitions (same client keys): once both are on the topic,
    // anything the requests above published is there too.
    const sentinelA = await requestTask({ ...forA, encounterId: 'enc-idem-a2' }, auth, 'sentinel-a');
    const sentinelB = await requestTask(forB, auth, 'sentinel-b');
    expect([sentinelA.status, sentinelB.status]).toEqual([202, 202]);
    const eventsOf = async (clientId: string): Promise<string[]> =>
      (await ours()).filter((c) => c.clientId === clientId).map((c) => c.eventId);
    await eventually(
      async () =>
        (await eventsOf(forA.clientId)).includes(sentinelA.json['changeEventId'] as string) &&
        (await eventsOf(forB.clientId)).includes(sentinelB.json['changeEventId'] as string),
      'both sentinels',
    );
    expect(await eventsOf(forA.clientId)).toEqual([
      first.json['changeEventId'],
      sentinelA.json['changeEventId'],
    ]);
    expect(await eventsOf(forB.clientId)).toEqual([sentinelB.json['changeEventId']]);
    // The refused reuse is audited against the chart it tried to reach.
    const refusals = async (): Promise<AuditEvent[]> =>
      (await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (a) => a.tenantId === tenant && a.reasonCode === 'IDEMPOTENCY_KEY_REUSED',
      );
    await eventually(async () => (await refusals()).length > 0, 'the audited refusal');
    expect((await refusals()).map((a) => [a.action, a.outcome, a.clientId])).toEqual([
      ['POLICY_DECISION', 'DENIED', forB.clientId],
    ]);
  }, 60_000);

  it('an idempotency store outage fails closed: 503, retryable, nothing published', async () => {
    // A Redis nobody listens on: a free port, closed again.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const down = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: true });
    down.on('error', () => undefined);
    const pair = await generateKeyPair('ES256', { extractable: true });
    const outage = await startIngress({
      host: '127.0.0.1',
      port: 0,
      tenantId: tenant,
      logger: createLogger({ service: 'test', level: 'silent' }),
      audit: new AuditTrail(bus, 'ehr-connector'),
      publishChange: (change) =>
        bus.publish(ehrChangeTopic, { key: `${change.tenantId}:${change.clientId}`, value: change }),
      tasks: {
        verify: createBearerVerifier({
          publicKeyPem: await exportSPKI(pair.publicKey),
          issuer: ISSUER,
          audience: 'carerelay',
        }),
        idempotency: { store: new RedisIdempotencyStore(down), ttlSeconds: 3600, timeoutMs: 500 },
      },
    });
    try {
      const auth = `Bearer ${await new SignJWT({ tenant_id: tenant, roles: ['clinician'] })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(ISSUER)
        .setAudience('carerelay')
        .setSubject('clin-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(pair.privateKey)}`;
      const body = { clientId: 'client-outage', useCase: 'soap_note', encounterId: 'enc-outage' };
      const res = await fetch(`${outage.url}${TASKS_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: auth,
          'idempotency-key': 'click-outage',
        },
        body: JSON.stringify(body),
      });
      expect([res.status, ((await res.json()) as Record<string, unknown>)['code']]).toEqual([
        503,
        'IDEMPOTENCY_STORE_UNAVAILABLE',
      ]);
    } finally {
      await outage.close();
      down.disconnect();
    }
    // The sentinel, same client (same partition), through the healthy ingress.
    const sentinel = await requestTask(
      { clientId: 'client-outage', useCase: 'soap_note', encounterId: 'enc-outage-sentinel' },
      `Bearer ${await token({})}`,
      'click-outage-sentinel',
    );
    expect(sentinel.status).toBe(202);
    await eventually(
      async () => (await ours()).some((c) => c.eventId === sentinel.json['changeEventId']),
      'the sentinel',
    );
    const published = (await ours()).filter((c) => c.clientId === 'client-outage').map((c) => c.eventId);
    expect(published).toEqual([sentinel.json['changeEventId']]);
  }, 60_000);

  it('a webhook with a bad signature is refused with a reason, logged without its body, and audited once per source and minute', async () => {
    const secretWord = 'Zebulon-Quartermaine';
    const body = event('evt-forged', { clientId: secretWord });
    // From a source of its own (127.0.0.2), so the count is this test's alone.
    const source = '127.0.0.2';
    const forge = (): Promise<{ status: number; json: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const url = new URL(`${ingress.url}${WEBHOOK_PATH}`);
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            localAddress: source,
            headers: {
              'content-type': 'application/json',
              'content-length': body.length,
              'x-carerelay-tenant': tenant,
              'x-carerelay-timestamp': timestamp,
              'x-carerelay-signature': webhookSignatureHeader(
                [Buffer.from('not-the-secret')],
                timestamp,
                body,
              ),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const linesBefore = logLines.length;
    for (let i = 0; i < 25; i++) {
      const { status, json } = await forge();
      expect([status, json['code'], typeof json['reason']]).toEqual([401, 'WEBHOOK_BAD_SIGNATURE', 'string']);
    }
    const logged = logLines.slice(linesBefore).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l['errorCode'] === 'WEBHOOK_BAD_SIGNATURE')).toHaveLength(25);
    expect(logLines.slice(linesBefore).join('\n')).not.toContain(secretWord);

    await authFailures.flush(true);
    const sourceHash = createHash('sha256').update(source).digest('hex');
    const forged = async (): Promise<AuditEvent[]> =>
      (await Promise.all(audits.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (a) => a.tenantId === tenant && a.hashes['source'] === sourceHash,
      );
    await eventually(async () => (await forged()).length > 0, 'the aggregated AUTH_FAILURE');
    const events = await forged();
    // One event, or two if the minute turned during the 25 deliveries.
    expect(events.length).toBeLessThanOrEqual(2);
    for (const e of events) {
      expect(e).toMatchObject({
        action: 'AUTH_FAILURE',
        outcome: 'DENIED',
        reasonCode: 'WEBHOOK_BAD_SIGNATURE',
      });
    }
    expect(events.reduce((n, e) => n + (e.counts['failures'] ?? 0), 0)).toBe(25);
    expect(JSON.stringify(events)).not.toContain(secretWord);
  }, 60_000);
});
