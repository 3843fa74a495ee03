import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookHandler } from './handler.js';
import { MemoryReplayStore } from './replay-store.js';
import type { VendorChangeEvent } from './schema.js';
import { webhookSignatureHeader } from './verify.js';

const SECRET = Buffer.from('tenant-a-secret-0123456789abcdef');
const OLD_SECRET = Buffer.from('tenant-a-old-secret-fedcba987654');
const SECRETS: Record<string, Buffer> = { 'tenant-a': SECRET };

const calls: { event: VendorChangeEvent; tenantId: string }[] = [];
let failNext = 0;
let server: Server;
let url: string;

const EVENT = {
  eventId: 'evt-1',
  type: 'session.ended',
  clientId: 'client-42',
  resourceType: 'Encounter',
  resourceId: 'enc-9',
  encounterId: 'enc-9',
  occurredAt: '2025-03-01T10:00:00Z',
  actorUserId: 'clin-7',
};

let counter = 0;
/** A fresh event each call, so tests do not collide in the replay store. */
function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { ...EVENT, eventId: `evt-${counter}`, ...overrides };
}

interface SendOptions {
  body?: string | Buffer;
  tenant?: string;
  timestamp?: number;
  secrets?: readonly Buffer[];
  signature?: string;
  contentType?: string;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

async function send(opts: SendOptions = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const raw = opts.body ?? JSON.stringify(event());
  const rawBody = typeof raw === 'string' ? Buffer.from(raw) : raw;
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'x-carerelay-tenant': opts.tenant ?? 'tenant-a',
      'x-carerelay-timestamp': timestamp,
      'x-carerelay-signature':
        opts.signature ?? webhookSignatureHeader(opts.secrets ?? [SECRET], timestamp, rawBody),
    },
    body: rawBody,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const handler = createWebhookHandler({
    secretFor: (tenantId) => SECRETS[tenantId],
    replay: new MemoryReplayStore(),
    onEvent: async (evt, tenantId) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('kafka down');
      }
      calls.push({ event: evt, tenantId });
    },
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/ehr`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  calls.length = 0;
  failNext = 0;
});

describe('signed webhook ingress over HTTP', () => {
  it('accepts a validly signed event: 202 and onEvent once with the parsed event', async () => {
    const body = event();
    const res = await send({ body: JSON.stringify({ ...body, extra: 'dropped' }) });
    expect(res).toEqual({ status: 202, json: { accepted: body['eventId'] } });
    expect(calls).toEqual([{ event: body, tenantId: 'tenant-a' }]);
  });

  it('rejects a bad signature with 401 and never calls onEvent', async () => {
    const res = await send({ secrets: [Buffer.from('not-the-secret')] });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ code: 'WEBHOOK_BAD_SIGNATURE', reason: expect.any(String) as string });
    expect(calls).toHaveLength(0);
  });

  it('rejects a garbled signature header with 401', async () => {
    expect((await send({ signature: 'v1=zz, sha1=abc' })).status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('rejects a stale or future timestamp with 401', async () => {
    const stale = await send({ timestamp: nowSeconds() - 301 });
    expect(stale.status).toBe(401);
    expect(stale.json['code']).toBe('WEBHOOK_STALE_TIMESTAMP');
    expect((await send({ timestamp: nowSeconds() + 400 })).status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('rejects a replayed delivery with 409', async () => {
    const body = JSON.stringify(event());
    const timestamp = nowSeconds();
    expect((await send({ body, timestamp })).status).toBe(202);
    const replay = await send({ body, timestamp });
    expect(replay.status).toBe(409);
    expect(replay.json['code']).toBe('WEBHOOK_REPLAYED');
    // Dropping one rotation signature does not make the replay look new.
    const both = await send({ body, timestamp, secrets: [OLD_SECRET, SECRET] });
    expect(both.status).toBe(409);
    expect(calls).toHaveLength(1);
  });

  it('rejects validly signed malformed JSON with 400', async () => {
    const res = await send({ body: '{"eventId": "evt-x", ' });
    expect(res.status).toBe(400);
    expect(res.json['code']).toBe('WEBHOOK_MALFORMED_JSON');
    expect((await send({ body: Buffer.from([0x22, 0xff, 0xfe, 0x22]) })).status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['eventId', { eventId: undefined }],
    ['eventId', { eventId: 'x'.repeat(129) }],
    ['type', { type: 'session.started' }],
    ['clientId', { clientId: 42 }],
    ['resourceType', { resourceType: '' }],
    ['resourceId', { resourceId: null }],
    ['encounterId', { encounterId: ['enc'] }],
    ['occurredAt', { occurredAt: 'yesterday' }],
    ['occurredAt', { occurredAt: '2025-13-45T99:00:00Z' }],
    ['actorUserId', { actorUserId: 'a\nb' }],
  ])('rejects a bad %s with 422 naming the field, never its value', async (field, overrides) => {
    const bad = event(overrides);
    const res = await send({ body: JSON.stringify(bad) });
    expect(res.status).toBe(422);
    expect(res.json['code']).toBe('WEBHOOK_INVALID_EVENT');
    expect(String(res.json['reason'])).toMatch(new RegExp(`^${field} `));
    const value = overrides[field as keyof typeof overrides] as unknown;
    if (typeof value === 'string' && value.length > 0)
      expect(String(res.json['reason'])).not.toContain(value);
    expect(calls).toHaveLength(0);
  });

  it('rejects a non-object body with 422', async () => {
    expect((await send({ body: '[1,2,3]' })).status).toBe(422);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const body = JSON.stringify(event({ padding: 'p'.repeat(1024 * 1024) }));
    const res = await send({ body });
    expect(res.status).toBe(413);
    expect(res.json['code']).toBe('WEBHOOK_BODY_TOO_LARGE');
    expect(calls).toHaveLength(0);
  });

  it('rejects a streamed (chunked) body over 1 MiB with 413 once the cap is passed', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    };
    const res = await fetch(url, init);
    expect(res.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('rejects a wrong content-type with 415', async () => {
    const res = await send({ contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect((await send({ contentType: 'application/json; charset=latin1' })).status).toBe(415);
    expect((await send({ contentType: 'application/json; charset=utf-8' })).status).toBe(202);
    expect(calls).toHaveLength(1);
  });

  it('rejects an unknown tenant with 401, like a bad signature', async () => {
    const res = await send({ tenant: 'tenant-b' });
    expect(res.status).toBe(401);
    expect(res.json['code']).toBe('WEBHOOK_BAD_SIGNATURE');
    expect(calls).toHaveLength(0);
  });

  it('rejects missing headers with 400 naming the header', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json['reason']).toContain('x-carerelay-signature');
  });

  it('accepts during key rotation when the second signature is the valid one', async () => {
    const body = event();
    const res = await send({ body: JSON.stringify(body), secrets: [OLD_SECRET, SECRET] });
    expect(res.status).toBe(202);
    expect(calls).toEqual([{ event: body, tenantId: 'tenant-a' }]);
  });

  it('answers 503 when onEvent fails and accepts the vendor retry of the same delivery', async () => {
    const body = JSON.stringify(event());
    const timestamp = nowSeconds();
    failNext = 1;
    const failed = await send({ body, timestamp });
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED', retryable: true });
    expect(calls).toHaveLength(0);
    expect((await send({ body, timestamp })).status).toBe(202);
    expect((await send({ body, timestamp })).status).toBe(409);
    expect(calls).toHaveLength(1);
  });

  it('answers 405 to anything but POST', async () => {
    expect((await fetch(url)).status).toBe(405);
  });
});
