import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from './handler.js';
import { MemoryReplayStore } from './replay-store.js';
import { VENDOR_EVENT_TYPES } from './schema.js';
import { webhookSignatureHeader } from './verify.js';

/** Reproduce a failure with FUZZ_SEED=<seed printed in the test name>. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed_2025);
const CASES = 1200;
const CONCURRENCY = 16;
const SECRET = Buffer.from('fuzz-tenant-secret-0123456789abcd');

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(SEED);
const int = (max: number): number => Math.floor(rand() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const chance = (p: number): boolean => rand() < p;

function printable(maxLen: number): string {
  let out = '';
  const len = int(maxLen + 1);
  for (let i = 0; i < len; i += 1) out += String.fromCharCode(0x21 + int(0x5e));
  return out;
}

function randomBytes(len: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i += 1) buf[i] = int(256);
  return buf;
}

function randomJson(depth: number): unknown {
  const kind = int(depth > 3 ? 4 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return chance(0.5) ? rand() * 1e9 - 5e8 : int(1000);
    case 3:
      return printable(40);
    case 4:
      return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < int(6); i += 1) obj[printable(10)] = randomJson(depth + 1);
      return obj;
    }
  }
}

/** Plausible events with random mutations: the closest an unsigned attacker gets. */
function eventish(): Record<string, unknown> {
  const event: Record<string, unknown> = {
    eventId: chance(0.9) ? `evt-${int(1e6)}` : randomJson(2),
    type: chance(0.8) ? pick(VENDOR_EVENT_TYPES) : printable(20),
    clientId: chance(0.9) ? `client-${int(100)}` : randomJson(2),
    resourceType: chance(0.9) ? 'Encounter' : randomJson(2),
    resourceId: `enc-${int(1000)}`,
    occurredAt: chance(0.8) ? new Date().toISOString() : printable(30),
  };
  if (chance(0.3)) event[pick(Object.keys(event))] = randomJson(1);
  return event;
}

function body(): Buffer {
  const roll = int(100);
  if (roll < 2) return randomBytes(1024 * 1024 + int(200 * 1024)); // oversized
  if (roll < 30) return randomBytes(int(4096));
  if (roll < 55) return Buffer.from(JSON.stringify(randomJson(0)) ?? 'null');
  if (roll < 60) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(eventish()));
}

function headers(rawBody: Buffer): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = pick([String(now), String(now - 10_000), printable(12), '', String(int(2 ** 31))]);
  const h: Record<string, string> = {};
  const maybe = (name: string, value: () => string, p = 0.85): void => {
    if (chance(p)) h[name] = value();
  };
  maybe('content-type', () =>
    pick([
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      printable(30),
    ]),
  );
  maybe('x-carerelay-tenant', () => pick(['tenant-a', 'tenant-b', printable(70), '../../etc']));
  maybe('x-carerelay-timestamp', () => timestamp);
  maybe('x-carerelay-signature', () =>
    pick([
      // signed with the wrong key, or a random digest, or garbage: never the tenant's secret
      webhookSignatureHeader([randomBytes(32)], timestamp, rawBody),
      `v1=${randomBytes(32).toString('hex')}, v1=${randomBytes(32).toString('hex')}`,
      `v1=${printable(64)}`,
      printable(200),
      'v1=',
    ]),
  );
  for (let i = 0; i < int(3); i += 1)
    h[
      `x-${printable(8)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, 'a')}`
    ] = printable(50);
  return h;
}

function streamed(rawBody: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= rawBody.length) return controller.close();
      const size = 1 + int(256 * 1024);
      controller.enqueue(rawBody.subarray(offset, offset + size));
      offset += size;
    },
  });
}

let server: Server;
let url: string;
let published = 0;

beforeAll(async () => {
  const handler = createWebhookHandler({
    secretFor: (tenantId) => (tenantId === 'tenant-a' ? SECRET : undefined),
    replay: new MemoryReplayStore(),
    onEvent: async () => {
      published += 1;
    },
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe(`webhook fuzz (seed ${SEED})`, () => {
  it(`answers ${CASES} random unsigned deliveries with 4xx, publishes nothing, keeps serving`, async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES) {
        const index = next;
        next += 1;
        const rawBody = body();
        const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: headers(rawBody) };
        if (chance(0.2)) {
          init.body = streamed(rawBody); // chunked: no content-length, the cap applies mid-stream
          init.duplex = 'half';
        } else {
          init.body = rawBody;
        }
        try {
          const res = await fetch(url, init);
          const json = (await res.json()) as Record<string, unknown>;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status < 400 || res.status >= 500 || typeof json['code'] !== 'string') {
            failures.push(`case ${index}: status ${res.status} ${JSON.stringify(json)}`);
          }
        } catch (err) {
          failures.push(`case ${index}: ${String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    if (process.env['FUZZ_DEBUG']) console.log([...statuses]);
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
    expect(published).toBe(0);
    // The fuzz reaches every gate, not just the first one.
    for (const status of [400, 401, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);

    // Still alive and correct: a validly signed delivery is accepted and published once.
    const rawBody = Buffer.from(
      JSON.stringify({
        eventId: 'evt-after-fuzz',
        type: 'note.signed',
        clientId: 'client-1',
        resourceType: 'DocumentReference',
        resourceId: 'doc-1',
        occurredAt: new Date().toISOString(),
      }),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-carerelay-tenant': 'tenant-a',
        'x-carerelay-timestamp': timestamp,
        'x-carerelay-signature': webhookSignatureHeader([SECRET], timestamp, rawBody),
      },
      body: rawBody,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 'evt-after-fuzz' });
    expect(published).toBe(1);
  }, 30_000);
});
