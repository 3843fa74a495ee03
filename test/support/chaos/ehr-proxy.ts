import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  /** The proxied origin's FHIR base as seen through the proxy (same path, proxy's port). */
  readonly baseUrl: string;
  /** While failing, every request is answered 503 without reaching the EHR. */
  fail(on: boolean): void;
  readonly failing: () => boolean;
  /** Requests answered by the EHR, and requests the proxy refused with 503. */
  readonly counts: { forwarded: number; refused: number };
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the sandbox EHR that the test controls: forwards every
 * request byte for byte, or, while `fail(true)`, answers 503 with a FHIR
 * OperationOutcome the way an EHR behind a load balancer does during an outage.
 * The test itself talks to the sandbox directly, so it can still edit charts and
 * read drafts while the services see the outage.
 */
export async function startFaultProxy(targetBaseUrl: string): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  let failing = false;
  const counts = { forwarded: 0, refused: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (failing) {
      counts.refused += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/fhir+json', connection: 'close' });
      res.end(
        JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'transient', diagnostics: 'service unavailable (chaos test)' }],
        }),
      );
      return;
    }
    counts.forwarded += 1;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
    fail: (on) => {
      failing = on;
      // Kept-alive sockets would otherwise carry on to the EHR; cut them so every client sees the switch.
      server.closeIdleConnections();
    },
    failing: () => failing,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
