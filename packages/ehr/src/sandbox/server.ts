import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FhirRouter } from '@medplum/fhir-router';
import { createSandboxAuth, type SandboxSmartClient } from './auth.js';
import { indexR4Definitions } from './fhir-definitions.js';
import { handleFhirHttp, type FhirHttpContext } from './fhir-http.js';
import { SandboxRequestLog, type SandboxRequest } from './request-log.js';
import { SandboxRepository } from './sandbox-repository.js';
import { seedSandbox } from './seed/index.js';
import { SubscriptionNotifier } from './subscriptions.js';

export interface SandboxEhrOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Loopback only by default: the sandbox has synthetic data but real tokens. */
  readonly host?: string;
  /** Load the synthetic behavioral-health clients (default true). */
  readonly seed?: boolean;
  /** Short lifetimes let token-refresh logic be tested (default 300 s, the SMART maximum). */
  readonly accessTokenTtlSeconds?: number;
}

export interface SandboxEhr {
  /** FHIR R4 base, e.g. `http://127.0.0.1:PORT/fhir/R4`. */
  readonly baseUrl: string;
  /** OIDC issuer; the token endpoint is `${issuer}/token`. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Registered SMART Backend Services clients with their private JWKs (test use only). */
  readonly clients: Record<'rs384' | 'es384' | 'readOnly', SandboxSmartClient>;
  /** Direct access to the store, for tests that assert what the product wrote. */
  readonly repository: SandboxRepository;
  /**
   * Every FHIR request answered (the last 10 000, oldest first; OIDC token requests are not
   * FHIR and not logged), so tests assert what the product read. Each read returns a snapshot.
   */
  readonly requestLog: readonly SandboxRequest[];
  clearRequestLog(): void;
  stop(): Promise<void>;
}

const FHIR_BASE_PATH = '/fhir/R4';
const OIDC_PATH = '/oidc';

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/**
 * Starts a FHIR R4 EHR peer: Medplum's router over an in-memory store, guarded by
 * SMART Backend Services tokens from a co-hosted oidc-provider, with rest-hook
 * subscriptions and a read-only rule for signed records.
 */
export async function startSandboxEhr(options: SandboxEhrOptions = {}): Promise<SandboxEhr> {
  indexR4Definitions();
  const host = options.host ?? '127.0.0.1';

  // The issuer and base URL embed the port, known only after listen(); the request
  // handler is attached once they exist, before anyone has been told the address.
  const server = createServer();
  const address = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const baseUrl = `${origin}${FHIR_BASE_PATH}`;
  const issuer = `${origin}${OIDC_PATH}`;
  const tokenEndpoint = `${issuer}/token`;

  const auth = await createSandboxAuth({
    issuer,
    audience: baseUrl,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
  });
  const repo = new SandboxRepository();
  if (options.seed ?? true) await seedSandbox(repo);
  // Registered after seeding: the seed is the EHR's history, not a change to announce.
  const notifier = new SubscriptionNotifier(repo, baseUrl);
  repo.onChange((resource, kind) => notifier.handleChange(resource, kind));

  const oidc = auth.handleOidcRequest;
  const requestLog = new SandboxRequestLog();
  const fhir: FhirHttpContext = {
    router: new FhirRouter(),
    repo,
    auth,
    basePath: FHIR_BASE_PATH,
    baseUrl,
    issuer,
    tokenEndpoint,
    requestLog,
  };
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    if (path === OIDC_PATH || path.startsWith(`${OIDC_PATH}/`)) {
      // Mounted like Express would: oidc-provider derives its mount path from originalUrl.
      Object.assign(req, { originalUrl: path });
      req.url = path.slice(OIDC_PATH.length) || '/';
      oidc(req, res);
      return;
    }
    if (
      path === FHIR_BASE_PATH ||
      path.startsWith(`${FHIR_BASE_PATH}/`) ||
      path.startsWith(`${FHIR_BASE_PATH}?`)
    ) {
      await handleFhirHttp(fhir, req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/fhir+json' });
      res.end(
        JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'exception' }],
        }),
      );
    });
  });

  return {
    baseUrl,
    issuer,
    tokenEndpoint,
    clients: auth.clients,
    repository: repo,
    get requestLog() {
      return requestLog.snapshot();
    },
    clearRequestLog() {
      requestLog.clear();
    },
    async stop() {
      await notifier.drain();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
