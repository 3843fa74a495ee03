import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { errors, Provider, type OidcClient, type OidcContext } from 'oidc-provider';
import { grantableScopes } from './scopes.js';

/** A registered SMART Backend Services client, with the private key tests sign assertions with. */
export interface SandboxSmartClient {
  readonly clientId: string;
  readonly alg: 'RS384' | 'ES384';
  readonly privateJwk: JWK;
  /** Scopes the registration allows; requests may ask for any narrower subset. */
  readonly allowedScopes: string;
}

export interface SandboxAuthOptions {
  readonly issuer: string;
  /** The FHIR base URL: the access token's audience and the default resource indicator. */
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
}

export interface SandboxAuth {
  /** The authorization server's node:http handler (Provider stays internal: it has no published types). */
  readonly handleOidcRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly clients: Record<'rs384' | 'es384' | 'readOnly', SandboxSmartClient>;
  /** Verifies a bearer token; returns its claims, or undefined when it is not valid here. */
  verifyAccessToken(token: string): Promise<(JWTPayload & { scope?: string }) | undefined>;
}

const ACCESS_TOKEN_ALG = 'RS256';
const FULL_SYSTEM_ACCESS = 'system/*.read system/*.write';

async function generateClient(clientId: string, alg: 'RS384' | 'ES384', allowedScopes: string) {
  // extractable: the private key must be exported for tests to sign client assertions.
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const client: SandboxSmartClient = { clientId, alg, privateJwk, allowedScopes };
  const metadata = {
    client_id: clientId,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: alg,
    jwks: { keys: [publicJwk] },
  };
  return { client, metadata };
}

/**
 * A real OAuth authorization server (oidc-provider) configured for SMART Backend
 * Services: `client_credentials` with `private_key_jwt` only. Keys are generated
 * per start, so no secret ever lives in the repository.
 */
export async function createSandboxAuth(options: SandboxAuthOptions): Promise<SandboxAuth> {
  const generated = await Promise.all([
    generateClient('carerelay-connector-rs384', 'RS384', FULL_SYSTEM_ACCESS),
    generateClient('carerelay-writeback-es384', 'ES384', FULL_SYSTEM_ACCESS),
    generateClient('carerelay-readonly-rs384', 'RS384', 'system/*.read'),
  ]);
  const [rs384, es384, readOnly] = generated.map((g) => g.client) as [
    SandboxSmartClient,
    SandboxSmartClient,
    SandboxSmartClient,
  ];
  const allowedByClient = new Map(generated.map((g) => [g.client.clientId, g.client.allowedScopes]));

  const signing = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const signingKid = randomUUID();
  const privateSigningJwk = {
    ...(await exportJWK(signing.privateKey)),
    kid: signingKid,
    alg: ACCESS_TOKEN_ALG,
    use: 'sig',
  };
  const publicSigningJwk = {
    ...(await exportJWK(signing.publicKey)),
    kid: signingKid,
    alg: ACCESS_TOKEN_ALG,
    use: 'sig',
  };

  const provider = new Provider(options.issuer, {
    clients: generated.map((g) => g.metadata),
    jwks: { keys: [privateSigningJwk] },
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS384', 'ES384', 'RS256', 'ES256'] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    ttl: { ClientCredentials: options.accessTokenTtlSeconds },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // SMART clients send no `resource`; defaulting to the FHIR base is what makes
        // oidc-provider issue a JWT (resource-server) access token for client_credentials.
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx: OidcContext, resourceIndicator: string, client: OidcClient) => {
          if (resourceIndicator !== options.audience)
            throw new errors.InvalidTarget('unknown resource server');
          const requested = typeof ctx.oidc.params?.['scope'] === 'string' ? ctx.oidc.params['scope'] : '';
          const granted = grantableScopes(requested, allowedByClient.get(client.clientId) ?? '');
          if (requested !== '' && granted.length === 0) {
            throw new errors.InvalidScope('requested scope is not allowed for this client', requested);
          }
          return {
            scope: granted.join(' '),
            audience: options.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtlSeconds,
            jwt: { sign: { alg: ACCESS_TOKEN_ALG } },
          };
        },
      },
    },
  });

  const jwks = createLocalJWKSet({ keys: [publicSigningJwk] });
  return {
    handleOidcRequest: provider.callback(),
    clients: { rs384, es384, readOnly },
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify<{ scope?: string }>(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
        });
        return payload;
      } catch {
        // Expired, forged or foreign tokens are all just "not valid here": the caller answers 401.
        return undefined;
      }
    },
  };
}
