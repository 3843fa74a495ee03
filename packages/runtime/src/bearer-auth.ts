import { createPublicKey, type KeyObject } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

/** Where user tokens come from: the practice's identity provider (JWKS) or one pinned public key. */
export interface BearerAuthOptions {
  /** JWKS endpoint of the identity provider (keys are fetched and cached by kid). */
  readonly jwksUrl?: string;
  /** A PEM (SPKI) public key, when the issuer signs with one fixed key. */
  readonly publicKeyPem?: string;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp/nbf/iat. Default 30. */
  readonly clockToleranceSeconds?: number;
}

/** Who a verified token speaks for. */
export interface Principal {
  readonly userId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

export type BearerVerifier = (authorization: string | undefined) => Promise<Principal>;

const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'ES256', 'ES384', 'PS256'];

function unauthorized(code: string, message: string, cause?: unknown): CareRelayError {
  return new CareRelayError(code, message, { httpStatus: 401, ...(cause ? { cause } : {}) });
}

/**
 * Verifies `Authorization: Bearer <JWT>` (signature, issuer, audience, expiry) and reads the
 * principal: `sub` is the user, `tenant_id` the tenant, `roles` (array) or `role` (string)
 * the roles. Anything else is a 401 CareRelayError whose message names the problem and
 * never echoes the token.
 */
export function createBearerVerifier(options: BearerAuthOptions): BearerVerifier {
  if (!options.jwksUrl === !options.publicKeyPem) {
    throw new CareRelayError('AUTH_MISCONFIGURED', 'set exactly one of a JWKS URL and a public key');
  }
  const key: KeyObject | ReturnType<typeof createRemoteJWKSet> = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : createPublicKey(options.publicKeyPem!);
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: [...(options.algorithms ?? DEFAULT_ALGORITHMS)],
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: ['sub', 'exp'],
  };

  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization?.trim() ?? '');
    if (!match) throw unauthorized('AUTH_MISSING', 'an Authorization: Bearer token is required');
    let payload: JWTPayload;
    try {
      ({ payload } =
        key instanceof Function
          ? await jwtVerify(match[1]!, key, verifyOptions)
          : await jwtVerify(match[1]!, key, verifyOptions));
    } catch (cause) {
      if (cause instanceof joseErrors.JWTExpired) throw unauthorized('AUTH_EXPIRED', 'token expired', cause);
      if (cause instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthorized('AUTH_CLAIM_INVALID', `token claim "${cause.claim}" is not accepted`, cause);
      }
      throw unauthorized('AUTH_INVALID', 'token signature or format is not valid', cause);
    }
    const tenantId = payload['tenant_id'];
    if (typeof tenantId !== 'string' || tenantId === '') {
      throw unauthorized('AUTH_CLAIM_INVALID', 'token has no tenant_id claim');
    }
    const roles = Array.isArray(payload['roles'])
      ? payload['roles'].filter((r): r is string => typeof r === 'string')
      : typeof payload['role'] === 'string'
        ? [payload['role']]
        : [];
    return { userId: payload.sub!, tenantId, roles };
  };
}
