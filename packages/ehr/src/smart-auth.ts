import { randomUUID } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import { importJWK, SignJWT, type JWK } from 'jose';

export type SmartSigningAlg = 'RS384' | 'ES384';

export interface SmartBackendAuthOptions {
  /** The client_id registered with the EHR's authorization server. */
  readonly clientId: string;
  /** Private JWK the client assertion is signed with (RSA → RS384, EC P-384 → ES384). */
  readonly privateJwk: JWK;
  /** FHIR base URL; the token endpoint is discovered from its smart-configuration when not given. */
  readonly fhirBaseUrl: string;
  readonly tokenEndpoint?: string;
  /** Refresh a cached token when fewer than this many seconds are left (default 60). */
  readonly refreshMarginSeconds?: number;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Clock in epoch milliseconds; injected for tests. */
  readonly now?: () => number;
}

interface CachedToken {
  readonly accessToken: string;
  readonly expiresAtMs: number;
}

/** SMART Backend Services caps client assertions at 5 minutes; we use less to absorb clock skew. */
const ASSERTION_LIFETIME_SECONDS = 240;
const DEFAULT_TTL_SECONDS = 300;

/** The assertion alg follows the key type: SMART Backend Services requires RS384 or ES384. */
export function signingAlgFor(jwk: JWK): SmartSigningAlg {
  if (jwk.alg === 'RS384') return 'RS384';
  if (jwk.alg === 'ES384') return 'ES384';
  if (jwk.kty === 'RSA') return 'RS384';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return 'ES384';
  throw new CareRelayError(
    'EHR_AUTH_FAILED',
    'client key must be RSA or EC P-384 for SMART Backend Services',
    {
      retryable: false,
      details: { kty: jwk.kty ?? '' },
    },
  );
}

function authFailed(
  message: string,
  retryable: boolean,
  httpStatus: number,
  cause?: unknown,
): CareRelayError {
  return new CareRelayError('EHR_AUTH_FAILED', message, {
    retryable,
    httpStatus,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * SMART Backend Services (`client_credentials` + `private_key_jwt`) token source.
 * Tokens are cached per scope and refreshed when less than the margin is left;
 * concurrent callers for the same scope share one in-flight token request.
 */
export class SmartBackendAuth {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private tokenEndpointPromise: Promise<string> | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly alg: SmartSigningAlg;

  constructor(private readonly options: SmartBackendAuthOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.alg = signingAlgFor(options.privateJwk);
  }

  /** A valid access token for the scope, from cache when it has more than the margin left. */
  async getToken(scope: string): Promise<string> {
    const marginMs = (this.options.refreshMarginSeconds ?? 60) * 1000;
    const cached = this.cache.get(scope);
    if (cached && cached.expiresAtMs - this.now() > marginMs) return cached.accessToken;
    let pending = this.inFlight.get(scope);
    if (!pending) {
      pending = this.requestToken(scope).finally(() => this.inFlight.delete(scope));
      this.inFlight.set(scope, pending);
    }
    const token = await pending;
    this.cache.set(scope, token);
    return token.accessToken;
  }

  /** Drops a cached token, e.g. after the resource server answered 401. */
  invalidate(scope: string): void {
    this.cache.delete(scope);
  }

  private tokenEndpoint(): Promise<string> {
    if (this.options.tokenEndpoint) return Promise.resolve(this.options.tokenEndpoint);
    this.tokenEndpointPromise ??= this.discoverTokenEndpoint().catch((err: unknown) => {
      this.tokenEndpointPromise = undefined; // a failed discovery is retried next time
      throw err;
    });
    return this.tokenEndpointPromise;
  }

  private async discoverTokenEndpoint(): Promise<string> {
    const url = `${this.options.fhirBaseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`;
    const response = await this.send(url, { headers: { accept: 'application/json' } });
    if (!response.ok) {
      throw authFailed(
        `smart-configuration discovery failed with ${response.status}`,
        response.status >= 500,
        response.status,
      );
    }
    const body = (await response.json().catch(() => ({}))) as { token_endpoint?: unknown };
    if (typeof body.token_endpoint !== 'string' || body.token_endpoint === '') {
      throw authFailed('smart-configuration has no token_endpoint', false, 502);
    }
    return body.token_endpoint;
  }

  private async clientAssertion(audience: string): Promise<string> {
    const key = await importJWK(this.options.privateJwk, this.alg);
    const nowSeconds = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({
        alg: this.alg,
        typ: 'JWT',
        ...(this.options.privateJwk.kid ? { kid: this.options.privateJwk.kid } : {}),
      })
      .setIssuer(this.options.clientId)
      .setSubject(this.options.clientId)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }

  private async requestToken(scope: string): Promise<CachedToken> {
    const endpoint = await this.tokenEndpoint();
    const requestedAtMs = this.now();
    const response = await this.send(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.clientAssertion(endpoint),
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string') {
      // OAuth error codes (invalid_client, invalid_scope) are safe to log; descriptions may not be.
      const error = typeof body.error === 'string' ? body.error : 'no access_token';
      throw authFailed(
        `token request failed with ${response.status} (${error})`,
        response.status >= 500 || response.status === 429,
        response.ok ? 502 : response.status,
      );
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_TTL_SECONDS;
    return { accessToken: body.access_token, expiresAtMs: requestedAtMs + ttl * 1000 };
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
        ...init,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw authFailed('authorization server unreachable or timed out', true, 503, err);
    }
  }
}
