import { createPublicKey, type KeyObject } from 'node:crypto';
import { CareRelayError } from '@carerelay/errors';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

/** Where user tokens are checked: the identity provider's JWKS, or one pinned public key. */
export interface BearerAuthOptions {
  /** JWKS endpoint of the identity provider (keys fetched and cached by kid). */
  readonly jwksUrl?: string;
  /** A PEM (SPKI) public key, when the issuer signs with one fixed key. */
  readonly publicKeyPem?: string;
  readonly issuer: string;
  readonly audience: string;
  /** Asymmetric algorithms only: a shared-secret HMAC token would let any verifier mint tokens. */
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp/nbf. Default 30. */
  readonly clockToleranceSeconds?: number;
}

/** Who a verified token speaks for. `tenantId` is null when the token names no valid tenant. */
export interface Principal {
  readonly userId: string;
  readonly tenantId: string | null;
  readonly roles: readonly string[];
}

/** Resolves the principal, or rejects with a CareRelayError: 401 (bad token) or 503 (keys unreachable). */
export type BearerVerifier = (authorization: string | undefined) => Promise<Principal>;

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$/;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const unauthorized = (code: string, message: string, cause?: unknown): CareRelayError =>
  new CareRelayError(code, message, { httpStatus: 401, ...(cause === undefined ? {} : { cause }) });

/** Maps jose's refusals to a 401 naming the problem; anything else is the key source failing. */
function tokenProblem(cause: unknown, remoteKeys: boolean): CareRelayError {
  if (cause instanceof joseErrors.JWTExpired)
    return unauthorized('AUTH_TOKEN_EXPIRED', 'token has expired', cause);
  if (cause instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthorized('AUTH_TOKEN_INVALID', `token claim "${cause.claim}" is not accepted`, cause);
  }
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) {
    return unauthorized('AUTH_TOKEN_INVALID', 'token signature is not valid', cause);
  }
  if (cause instanceof joseErrors.JWKSNoMatchingKey || cause instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return unauthorized('AUTH_TOKEN_INVALID', 'token was not signed by a key of the issuer', cause);
  }
  if (cause instanceof joseErrors.JOSEAlgNotAllowed || cause instanceof joseErrors.JOSENotSupported) {
    return unauthorized('AUTH_TOKEN_INVALID', 'token algorithm is not accepted', cause);
  }
  if (cause instanceof joseErrors.JWSInvalid || cause instanceof joseErrors.JWTInvalid) {
    return unauthorized('AUTH_TOKEN_INVALID', 'token is malformed', cause);
  }
  if (remoteKeys) {
    return new CareRelayError(
      'AUTH_KEYS_UNAVAILABLE',
      'the identity provider keys could not be read; retry later',
      {
        httpStatus: 503,
        retryable: true,
        cause,
      },
    );
  }
  return unauthorized('AUTH_TOKEN_INVALID', 'token is not valid', cause);
}

function rolesOf(payload: JWTPayload): string[] {
  const roles = payload['roles'] ?? payload['role'];
  if (Array.isArray(roles)) return roles.filter((r): r is string => typeof r === 'string');
  return typeof roles === 'string' ? roles.split(/\s+/).filter(Boolean) : [];
}

/**
 * Verifies `Authorization: Bearer <JWT>`: signature (JWKS or pinned key), issuer, audience,
 * expiry; then reads `sub` (the user), `tenant_id` and `roles`. Errors name the problem and
 * never echo the token. Callers decide what the roles and tenant allow.
 */
export function createBearerVerifier(options: BearerAuthOptions): BearerVerifier {
  if (!options.jwksUrl === !options.publicKeyPem) {
    throw new CareRelayError('AUTH_MISCONFIGURED', 'set exactly one of a JWKS URL and a PEM public key');
  }
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const symmetric = algorithms.filter((a) => !ASYMMETRIC.test(a));
  if (symmetric.length > 0) {
    throw new CareRelayError('AUTH_MISCONFIGURED', `algorithms not accepted: ${symmetric.join(', ')}`);
  }
  const remote = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const pinned: KeyObject | undefined = options.publicKeyPem
    ? createPublicKey(options.publicKeyPem)
    : undefined;
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: ['sub', 'exp'],
  };

  return async (authorization) => {
    const match = BEARER.exec(authorization?.trim() ?? '');
    if (!match) throw unauthorized('AUTH_TOKEN_MISSING', 'an Authorization: Bearer <JWT> header is required');
    let payload: JWTPayload;
    try {
      ({ payload } = remote
        ? await jwtVerify(match[1]!, remote, verifyOptions)
        : await jwtVerify(match[1]!, pinned!, verifyOptions));
    } catch (cause) {
      throw tokenProblem(cause, remote !== undefined);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw unauthorized('AUTH_TOKEN_INVALID', 'token claim "sub" is not accepted');
    }
    const claimed = payload['tenant_id'];
    return {
      userId: payload.sub,
      tenantId: typeof claimed === 'string' && TENANT.test(claimed) ? claimed : null,
      roles: rolesOf(payload),
    };
  };
}
