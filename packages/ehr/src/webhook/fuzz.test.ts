import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from './handler.js';
import { MemoryReplayStore } from './replay-store.js';
import { runWebhookFuzz } from './fuzz-cases.js';
import { webhookSignatureHeader } from './verify.js';

/** Reproduce a failure with FUZZ_SEED=<seed printed in the test name>. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed_2025);
const CASES = 1200;
const CONCURRENCY = 16;
const SECRET = Buffer.from('fuzz-tenant-secret-0123456789abcd');

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
    const { statuses, failures } = await runWebhookFuzz({
      url,
      cases: CASES,
      seed: SEED,
      concurrency: CONCURRENCY,
    });
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
