import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ReplayStore } from './replay-store.js';
import { validateVendorEvent, type VendorChangeEvent } from './schema.js';

/** Protocol constants; README.md documents them for vendors. */
export const WEBHOOK_HEADERS = {
  tenant: 'x-carerelay-tenant',
  timestamp: 'x-carerelay-timestamp',
  signature: 'x-carerelay-signature',
} as const;
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
export const WEBHOOK_REPLAY_TTL_SECONDS = 10 * 60;
/** At most this many signatures are considered (key rotation needs two). */
const MAX_SIGNATURES = 8;
const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const TIMESTAMP = /^\d{1,12}$/;
const V1_SIGNATURE = /^v1=([0-9a-fA-F]{64})$/;

export type WebhookRejectStatus = 400 | 401 | 409 | 413 | 415 | 422;

/**
 * Rejections that refuse the sender's proof of who it is (missing or malformed signature
 * headers, a stale timestamp, a signature that does not verify): authentication failures,
 * to be audited (aggregated) as well as logged.
 */
export const WEBHOOK_AUTH_FAILURE_CODES: ReadonlySet<string> = new Set([
  'WEBHOOK_MISSING_HEADER',
  'WEBHOOK_BAD_HEADER',
  'WEBHOOK_STALE_TIMESTAMP',
  'WEBHOOK_BAD_SIGNATURE',
]);

export type WebhookRejection = {
  readonly ok: false;
  readonly status: WebhookRejectStatus;
  readonly code: string;
  /** PHI-free and value-free: safe to return to the caller and to log. */
  readonly reason: string;
};

export type WebhookVerification =
  | {
      readonly ok: true;
      readonly event: VendorChangeEvent;
      readonly tenantId: string;
      /** The replay key this delivery claimed; release it if the delivery fails downstream. */
      readonly replayKey: string;
    }
  | WebhookRejection;

export interface VerifyWebhookDeps {
  /** The tenant's shared webhook secret; undefined for an unknown tenant. */
  readonly secretFor: (tenantId: string) => Buffer | undefined;
  readonly replay: ReplayStore;
  /** Current time in epoch milliseconds; defaults to Date.now. */
  readonly now?: () => number;
  /** Defaults to WEBHOOK_MAX_BODY_BYTES (1 MiB). */
  readonly maxBodyBytes?: number;
}

export interface VerifyWebhookInput extends VerifyWebhookDeps {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
}

function reject(status: WebhookRejectStatus, code: string, reason: string): WebhookRejection {
  return { ok: false, status, code, reason };
}

/** A header's single value; repeated headers are treated as absent-or-ambiguous. */
function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType, ...params] = value
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  if (mediaType !== 'application/json') return false;
  return params.every((param) => param === '' || /^charset="?utf-8"?$/.test(param));
}

/** The expected v1 signature: hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`). */
export function signWebhook(secret: Buffer, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value a vendor sends, one `v1=` entry per secret (rotation: old and new). */
export function webhookSignatureHeader(
  secrets: readonly Buffer[],
  timestamp: string,
  rawBody: Buffer,
): string {
  return secrets.map((secret) => `v1=${signWebhook(secret, timestamp, rawBody)}`).join(', ');
}

/** Constant-time: every candidate is compared, lengths are fixed by the header grammar. */
function anySignatureMatches(header: string, expectedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  let matched = false;
  for (const entry of header.split(',').slice(0, MAX_SIGNATURES)) {
    const hex = V1_SIGNATURE.exec(entry.trim())?.[1];
    if (hex === undefined) continue;
    const candidate = Buffer.from(hex, 'hex');
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

function parseJson(rawBody: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Verifies one signed webhook delivery. Checks run cheapest-and-unauthenticated first:
 * size → content-type → headers → timestamp → signature → replay → JSON → schema, so an
 * unauthenticated body is never parsed. A replay claim is taken only for a validly
 * signed delivery; the caller releases it (`replay.release(replayKey)`) if it cannot
 * process the event, so the vendor's retry is accepted.
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookVerification> {
  const { headers, rawBody } = input;
  const maxBytes = input.maxBodyBytes ?? WEBHOOK_MAX_BODY_BYTES;
  if (rawBody.length > maxBytes) {
    return reject(413, 'WEBHOOK_BODY_TOO_LARGE', `body exceeds ${maxBytes} bytes`);
  }
  if (!isJsonContentType(single(headers, 'content-type'))) {
    return reject(415, 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
  }

  const tenantId = single(headers, WEBHOOK_HEADERS.tenant);
  const timestamp = single(headers, WEBHOOK_HEADERS.timestamp);
  const signature = single(headers, WEBHOOK_HEADERS.signature);
  const missing = [tenantId, timestamp, signature].some((value) => value === undefined || value === '');
  if (missing || tenantId === undefined || timestamp === undefined || signature === undefined) {
    const names = Object.values(WEBHOOK_HEADERS).filter((name) => !single(headers, name));
    return reject(400, 'WEBHOOK_MISSING_HEADER', `missing or repeated header ${names.join(', ')}`);
  }
  if (!TENANT_ID.test(tenantId)) {
    return reject(400, 'WEBHOOK_BAD_HEADER', `${WEBHOOK_HEADERS.tenant} is malformed`);
  }
  if (!TIMESTAMP.test(timestamp)) {
    return reject(400, 'WEBHOOK_BAD_HEADER', `${WEBHOOK_HEADERS.timestamp} must be unix seconds`);
  }

  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  // Strictly inside the window, so a claim (2x tolerance) always outlives its timestamp.
  if (Math.abs(nowSeconds - Number(timestamp)) >= WEBHOOK_TOLERANCE_SECONDS) {
    return reject(
      401,
      'WEBHOOK_STALE_TIMESTAMP',
      `timestamp outside the ${WEBHOOK_TOLERANCE_SECONDS}s tolerance`,
    );
  }

  const secret = input.secretFor(tenantId);
  // An unknown tenant gets the same answer as a bad signature: tenants are not enumerable.
  if (secret === undefined || secret.length === 0) {
    return reject(401, 'WEBHOOK_BAD_SIGNATURE', 'signature does not verify');
  }
  const expected = signWebhook(secret, timestamp, rawBody);
  if (!anySignatureMatches(signature, expected)) {
    return reject(401, 'WEBHOOK_BAD_SIGNATURE', 'signature does not verify');
  }

  // Keyed on the signature that verified (ours), so reordering or dropping the other
  // rotation signatures does not make a replay look new.
  const replayKey = `webhook:${tenantId}:${expected}`;
  if (!(await input.replay.claim(replayKey, WEBHOOK_REPLAY_TTL_SECONDS))) {
    return reject(409, 'WEBHOOK_REPLAYED', 'delivery already received');
  }

  const parsed = parseJson(rawBody);
  if (!parsed.ok) return reject(400, 'WEBHOOK_MALFORMED_JSON', 'body is not valid UTF-8 JSON');
  const validated = validateVendorEvent(parsed.value);
  if (!validated.ok) {
    return reject(422, 'WEBHOOK_INVALID_EVENT', `${validated.field} ${validated.reason}`);
  }
  return { ok: true, event: validated.event, tenantId, replayKey };
}
