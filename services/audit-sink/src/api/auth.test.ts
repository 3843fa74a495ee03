import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerVerifier, type OfficerVerdict, type OfficerVerifier } from './auth.js';
import { createTokenIssuer, TEST_AUDIENCE, TEST_ISSUER, type TokenIssuer } from './testing.js';

let issuer: TokenIssuer;
let stranger: TokenIssuer;
let verify: OfficerVerifier;

beforeAll(async () => {
  issuer = await createTokenIssuer('ES256');
  stranger = await createTokenIssuer('ES256');
  verify = createOfficerVerifier({
    publicKeyPem: issuer.publicKeyPem,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    clockToleranceSeconds: 0,
  });
});

const bearer = (token: string) => `Bearer ${token}`;
function refusal(verdict: OfficerVerdict) {
  if (verdict.ok) throw new Error('expected a refusal');
  return { status: verdict.error.httpStatus, code: verdict.error.code, message: verdict.error.message };
}

describe('officer tokens (pinned PEM key)', () => {
  it('accepts a compliance officer and scopes them to the tenant_id claim', async () => {
    const verdict = await verify(bearer(await issuer.sign('tenant-a', { sub: 'officer-7' })));
    expect(verdict).toEqual({
      ok: true,
      officer: { userId: 'officer-7', tenantId: 'tenant-a', roles: ['compliance_officer'] },
    });
  });

  it('refuses a request without a bearer token with 401', async () => {
    expect(refusal(await verify(undefined))).toMatchObject({ status: 401, code: 'AUTH_TOKEN_MISSING' });
    expect(refusal(await verify('Basic dXNlcjpwYXNz'))).toMatchObject({ status: 401 });
  });

  it('refuses a token signed by another key', async () => {
    const token = await stranger.sign('tenant-a');
    expect(refusal(await verify(bearer(token)))).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
      message: 'token signature is not valid',
    });
  });

  it('refuses an expired token', async () => {
    const token = await issuer.sign('tenant-a', {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    expect(refusal(await verify(bearer(token)))).toMatchObject({ status: 401, code: 'AUTH_TOKEN_EXPIRED' });
  });

  it('refuses another issuer or audience, naming the claim', async () => {
    const otherIssuer = await new SignJWT({ roles: ['compliance_officer'], tenant_id: 'tenant-a' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://evil.test')
      .setAudience(TEST_AUDIENCE)
      .setSubject('officer-1')
      .setExpirationTime('5m')
      .sign(issuer.privateKey);
    expect(refusal(await verify(bearer(otherIssuer))).message).toBe('token claim "iss" is not accepted');
    const otherAudience = await issuer.sign('tenant-a', { aud: 'another-api' });
    expect(refusal(await verify(bearer(otherAudience)))).toMatchObject({
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
    });
    expect(refusal(await verify(bearer(otherAudience))).message).toBe('token claim "aud" is not accepted');
  });

  it('refuses an unsigned token and an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const unsigned = new UnsecuredJWT({ roles: ['compliance_officer'], tenant_id: 'tenant-a', sub: 'x' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('5m')
      .encode();
    expect(refusal(await verify(bearer(unsigned)))).toMatchObject({ status: 401 });
    const hmac = await new SignJWT({ roles: ['compliance_officer'], tenant_id: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setSubject('officer-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(issuer.publicKeyPem));
    expect(refusal(await verify(bearer(hmac)))).toMatchObject({ status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses a valid token without the compliance_officer role with 403, naming the verified tenant', async () => {
    const verdict = await verify(
      bearer(await issuer.sign('tenant-a', { roles: ['clinician'], sub: 'dr-1' })),
    );
    expect(refusal(verdict)).toMatchObject({ status: 403, code: 'AUTH_ROLE_REQUIRED' });
    expect(verdict.ok ? undefined : verdict.principal).toEqual({ userId: 'dr-1', tenantId: 'tenant-a' });
  });

  it('refuses a valid officer token that names no tenant with 403', async () => {
    expect(refusal(await verify(bearer(await issuer.sign(null))))).toMatchObject({
      status: 403,
      code: 'AUTH_TENANT_MISSING',
    });
  });

  it('refuses a configuration that would accept HMAC tokens', () => {
    expect(() =>
      createOfficerVerifier({
        publicKeyPem: issuer.publicKeyPem,
        issuer: 'i',
        audience: 'a',
        algorithms: ['HS256'],
      }),
    ).toThrow(/HS256/);
  });
});

describe('officer tokens (JWKS)', () => {
  let jwks: Server;
  let jwksUrl: string;
  beforeAll(async () => {
    const jwk = {
      ...(await exportJWK(await import('node:crypto').then((c) => c.createPublicKey(issuer.publicKeyPem)))),
      kid: 'test-key',
      alg: 'ES256',
    };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  it('verifies against the identity provider keys', async () => {
    const viaJwks = createOfficerVerifier({ jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const verdict = await viaJwks(bearer(await issuer.sign('tenant-b')));
    expect(verdict.ok && verdict.officer.tenantId).toBe('tenant-b');
    expect(refusal(await viaJwks(bearer(await stranger.sign('tenant-b'))))).toMatchObject({ status: 401 });
  });

  it('answers 503 (retryable), not 401, when the identity provider cannot be reached', async () => {
    const down = createOfficerVerifier({
      jwksUrl: 'http://127.0.0.1:9/jwks.json',
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
    });
    expect(refusal(await down(bearer(await issuer.sign('tenant-b'))))).toMatchObject({
      status: 503,
      code: 'AUTH_KEYS_UNAVAILABLE',
    });
  });
});
