import { VENDOR_EVENT_TYPES } from './schema.js';
import { webhookSignatureHeader } from './verify.js';

/**
 * Random unsigned webhook deliveries (the closest an attacker without the tenant's
 * secret gets): garbage bytes, random JSON, plausible events with mutated fields,
 * oversized and chunked bodies, wrong or malformed signatures, stale or junk timestamps.
 * Deterministic for a seed, so a failure is reproducible.
 */
export interface WebhookFuzzOptions {
  /** The ingress URL the deliveries are POSTed to. */
  readonly url: string;
  readonly cases: number;
  readonly seed: number;
  readonly concurrency?: number;
  /** Tenant ids to claim in the header (one of them may be the real tenant). */
  readonly tenants?: readonly string[];
}

export interface WebhookFuzzResult {
  /** How many deliveries got each HTTP status. */
  readonly statuses: ReadonlyMap<number, number>;
  /** Deliveries answered with anything but a 4xx JSON `{code}` (or that failed to connect). */
  readonly failures: readonly string[];
}

export async function runWebhookFuzz(options: WebhookFuzzOptions): Promise<WebhookFuzzResult> {
  const rand = prng(options.seed);
  const int = (max: number): number => Math.floor(rand() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number): boolean => rand() < p;
  const tenants = options.tenants ?? ['tenant-a', 'tenant-b'];

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
    maybe('x-carerelay-tenant', () => pick([...tenants, printable(70), '../../etc']));
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

  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.cases) {
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
        const res = await fetch(options.url, init);
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
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return { statuses, failures };
}

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
