import { randomUUID } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import { importJWK, SignJWT } from 'jose';
import type { SandboxEhr } from './server.js';

export interface SandboxToken {
  readonly accessToken: string;
  readonly scope: string;
  readonly expiresIn: number;
}

/**
 * Gets an access token the way a SMART Backend Services client does: a signed
 * client assertion (iss = sub = client_id, aud = token endpoint, jti, exp) posted
 * with `grant_type=client_credentials`. For tests; the product has its own client.
 */
export async function fetchSandboxToken(
  sandbox: Pick<SandboxEhr, 'clients' | 'tokenEndpoint'>,
  clientId: string,
  scope: string,
): Promise<SandboxToken> {
  const client = Object.values(sandbox.clients).find((c) => c.clientId === clientId);
  if (!client)
    throw new CareRelayError('SANDBOX_CLIENT_UNKNOWN', `no sandbox client ${clientId}`, {
      details: { clientId },
    });
  const key = await importJWK(client.privateJwk, client.alg);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: client.alg, kid: client.privateJwk.kid ?? '', typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(sandbox.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
  const response = await fetch(sandbox.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  const body = (await response.json()) as {
    access_token?: string;
    scope?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    throw new CareRelayError(
      'SANDBOX_TOKEN_REFUSED',
      `token request failed: ${body.error ?? response.status} ${body.error_description ?? ''}`,
      {
        httpStatus: response.status,
        details: { clientId, error: body.error ?? '' },
      },
    );
  }
  return { accessToken: body.access_token, scope: body.scope ?? '', expiresIn: body.expires_in ?? 0 };
}
