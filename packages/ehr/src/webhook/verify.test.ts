import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from './replay-store.js';
import { verifyWebhook, webhookSignatureHeader, type VerifyWebhookInput } from './verify.js';

const SECRET = Buffer.from('verify-secret-0123456789abcdef');
const NOW_MS = 1_740_000_000_000;
const NOW_S = NOW_MS / 1000;

function input(
  body: string,
  overrides: Partial<VerifyWebhookInput> & { ts?: number } = {},
): VerifyWebhookInput {
  const rawBody = Buffer.from(body);
  const timestamp = String(overrides.ts ?? NOW_S);
  return {
    headers: {
      'content-type': 'application/json',
      'x-carerelay-tenant': 'tenant-a',
      'x-carerelay-timestamp': timestamp,
      'x-carerelay-signature': webhookSignatureHeader([SECRET], timestamp, rawBody),
    },
    rawBody,
    secretFor: (tenantId) => (tenantId === 'tenant-a' ? SECRET : undefined),
    replay: new MemoryReplayStore(() => NOW_MS),
    now: () => NOW_MS,
    ...overrides,
  };
}

const VALID = JSON.stringify({
  eventId: 'e1',
  type: 'intake.submitted',
  clientId: 'c1',
  resourceType: 'QuestionnaireResponse',
  resourceId: 'qr1',
  occurredAt: '2025-02-19T21:20:00.123+01:00',
});

describe('verifyWebhook', () => {
  it('accepts inside the tolerance and rejects at 300 s either side', async () => {
    expect((await verifyWebhook(input(VALID, { ts: NOW_S - 299 }))).ok).toBe(true);
    expect((await verifyWebhook(input(VALID, { ts: NOW_S + 299 }))).ok).toBe(true);
    expect(await verifyWebhook(input(VALID, { ts: NOW_S - 300 }))).toMatchObject({
      status: 401,
      code: 'WEBHOOK_STALE_TIMESTAMP',
    });
    expect(await verifyWebhook(input(VALID, { ts: NOW_S + 300 }))).toMatchObject({ status: 401 });
  });

  it('checks the signature before parsing: unsigned garbage is 401, not 400', async () => {
    const unsigned = input('{not json', {
      headers: { ...input('{not json').headers, 'x-carerelay-signature': 'v1=00' },
    });
    expect(await verifyWebhook(unsigned)).toMatchObject({ status: 401, code: 'WEBHOOK_BAD_SIGNATURE' });
  });

  it('checks size before content-type and content-type before headers', async () => {
    const big = input(VALID, { maxBodyBytes: 10, headers: { 'content-type': 'text/plain' } });
    expect(await verifyWebhook(big)).toMatchObject({ status: 413 });
    expect(await verifyWebhook(input(VALID, { headers: { 'content-type': 'text/plain' } }))).toMatchObject({
      status: 415,
    });
    expect(
      await verifyWebhook(input(VALID, { headers: { 'content-type': 'application/json' } })),
    ).toMatchObject({ status: 400 });
  });

  it('claims the replay key only for validly signed deliveries', async () => {
    const replay = new MemoryReplayStore(() => NOW_MS);
    const bad = input(VALID, { replay });
    await verifyWebhook({ ...bad, secretFor: () => Buffer.from('other') });
    expect(replay.size).toBe(0);
    const first = await verifyWebhook(input(VALID, { replay }));
    expect(first.ok && first.replayKey.startsWith('webhook:tenant-a:')).toBe(true);
    expect(await verifyWebhook(input(VALID, { replay }))).toMatchObject({ status: 409 });
  });

  it('never echoes submitted values in a rejection', async () => {
    const secretValue = 'Jane Doe DOB 1980-01-01';
    const result = await verifyWebhook(
      input(JSON.stringify({ ...JSON.parse(VALID), clientId: 7, type: secretValue })),
    );
    expect(result).toMatchObject({ status: 422 });
    expect(JSON.stringify(result)).not.toContain(secretValue);
  });
});
