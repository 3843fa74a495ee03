import type { IncomingMessage, ServerResponse } from 'node:http';
import { CareRelayError } from '@carerelay/errors';
import type { VendorChangeEvent } from './schema.js';
import {
  verifyWebhook,
  WEBHOOK_AUTH_FAILURE_CODES,
  WEBHOOK_MAX_BODY_BYTES,
  type VerifyWebhookDeps,
} from './verify.js';

/**
 * Reads a request body into memory, refusing early: a declared Content-Length above
 * `maxBytes` fails before a byte is read, and a streamed body fails as soon as it passes
 * `maxBytes` (nothing more is buffered). Rejects with a CareRelayError whose httpStatus is
 * 413 (too large) or 400 (the client aborted).
 */
export function readBodyLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(
        new CareRelayError('WEBHOOK_BODY_READ_FAILED', 'request body could not be read', {
          httpStatus: 400,
          cause: err,
        }),
      );
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(maxBytes: number): CareRelayError {
  return new CareRelayError('WEBHOOK_BODY_TOO_LARGE', `body exceeds ${maxBytes} bytes`, { httpStatus: 413 });
}

export interface WebhookHandlerOptions extends VerifyWebhookDeps {
  /**
   * Publishes the verified event (e.g. as `ehr.change.v1`). A rejection answers 503 and
   * gives the replay claim back, so the vendor's retry of the same delivery is accepted.
   */
  readonly onEvent: (event: VendorChangeEvent, tenantId: string) => Promise<void>;
  /** Called with PHI-free facts about failures the handler absorbed (for logging). */
  readonly onError?: (err: CareRelayError) => void;
  /**
   * Called for every delivery refused with a 4xx, with the code and status only (never the
   * body or a header value): for logging, and for auditing the authentication failures.
   */
  readonly onRejected?: (rejection: WebhookRejectionFacts) => void;
}

/** What the handler tells about a refused delivery: no body, no header values. */
export interface WebhookRejectionFacts {
  readonly code: string;
  readonly status: number;
  /** The signature or its headers were refused (WEBHOOK_AUTH_FAILURE_CODES). */
  readonly authenticationFailure: boolean;
  /** The peer address of the connection. */
  readonly source: string;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function send(res: ServerResponse, status: number, body: object, close = false): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.setHeader('cache-control', 'no-store');
  if (status === 503) res.setHeader('retry-after', '5');
  if (close) res.setHeader('connection', 'close');
  res.end(payload);
}

/**
 * A plain node:http handler for the signed-webhook ingress: POST only, body read with a
 * 1 MiB cap, verified by `verifyWebhook`, then handed to `onEvent`. Answers 202
 * `{accepted: eventId}`, the verifier's 4xx as `{code, reason}`, or 503 (retryable) when
 * `onEvent` or the replay store fails. It never throws.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const maxBytes = options.maxBodyBytes ?? WEBHOOK_MAX_BODY_BYTES;
  const report = (err: CareRelayError): void => {
    try {
      options.onError?.(err);
    } catch {
      // a failing logger must not take the ingress down
    }
  };

  const rejected = (req: IncomingMessage, code: string, status: number): void => {
    try {
      options.onRejected?.({
        code,
        status,
        authenticationFailure: WEBHOOK_AUTH_FAILURE_CODES.has(code),
        source: req.socket.remoteAddress ?? 'unknown',
      });
    } catch {
      // a failing logger must not take the ingress down
    }
  };

  return async (req, res) => {
    try {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        send(res, 405, { code: 'WEBHOOK_METHOD_NOT_ALLOWED', reason: 'use POST' });
        rejected(req, 'WEBHOOK_METHOD_NOT_ALLOWED', 405);
        req.resume();
        return;
      }
      let rawBody: Buffer;
      try {
        rawBody = await readBodyLimited(req, maxBytes);
      } catch (err) {
        const error = err instanceof CareRelayError ? err : tooLarge(maxBytes);
        // The rest of an oversized body is discarded unread and the connection closed.
        send(res, error.httpStatus, { code: error.code, reason: error.message }, true);
        rejected(req, error.code, error.httpStatus);
        req.resume();
        return;
      }

      const verdict = await verifyWebhook({
        ...options,
        headers: req.headers,
        rawBody,
        maxBodyBytes: maxBytes,
      });
      if (!verdict.ok) {
        send(res, verdict.status, { code: verdict.code, reason: verdict.reason });
        rejected(req, verdict.code, verdict.status);
        return;
      }

      try {
        await options.onEvent(verdict.event, verdict.tenantId);
      } catch (cause) {
        await options.replay.release(verdict.replayKey).catch((releaseCause: unknown) => {
          report(
            new CareRelayError('WEBHOOK_REPLAY_RELEASE_FAILED', 'replay claim could not be released', {
              retryable: true,
              cause: releaseCause,
            }),
          );
        });
        const error = new CareRelayError(
          'WEBHOOK_DELIVERY_FAILED',
          'event could not be accepted; retry later',
          {
            retryable: true,
            httpStatus: 503,
            cause,
          },
        );
        report(error);
        send(res, 503, { code: error.code, reason: error.message, retryable: true });
        return;
      }
      send(res, 202, { accepted: verdict.event.eventId });
    } catch (cause) {
      // The replay store (or anything unexpected) failed: retryable, nothing was accepted.
      const error = new CareRelayError('WEBHOOK_UNAVAILABLE', 'webhook ingress unavailable; retry later', {
        retryable: true,
        httpStatus: 503,
        cause,
      });
      report(error);
      send(res, 503, { code: error.code, reason: error.message, retryable: true });
    }
  };
}
