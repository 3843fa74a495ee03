import { toCareRelayError, type CareRelayError } from '@carerelay/errors';
import { createBearerVerifier, type BearerAuthOptions, type Principal } from '@carerelay/runtime';
import { forbidden, unauthorized, unavailable } from './errors.js';

/** The one role allowed to read the audit trail. */
export const COMPLIANCE_OFFICER_ROLE = 'compliance_officer';

/** Where officers' tokens are checked (see @carerelay/runtime createBearerVerifier). */
export type OfficerAuthOptions = BearerAuthOptions;

/** A verified compliance officer: the tenant is the only one whose trail they may read. */
export interface Officer {
  readonly userId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

/**
 * What a verification concluded. A refusal carries the verified principal when the signature
 * held (wrong role, no tenant), so the refusal is audited in that tenant's trail; an
 * unverified token names nobody.
 */
export type OfficerVerdict =
  | { readonly ok: true; readonly officer: Officer }
  | {
      readonly ok: false;
      readonly error: CareRelayError;
      readonly principal?: { readonly userId: string; readonly tenantId: string | null };
    };

export type OfficerVerifier = (authorization: string | undefined) => Promise<OfficerVerdict>;

/**
 * Verifies `Authorization: Bearer <JWT>`: signature (JWKS or pinned key), issuer, audience,
 * expiry, then the `roles` claim must hold `compliance_officer` and `tenant_id` name the
 * tenant (ARCHITECTURE.md rule 7: an officer reads their own tenant only). Never throws for
 * a bad token and never echoes it.
 */
export function createOfficerVerifier(options: OfficerAuthOptions): OfficerVerifier {
  const verify = createBearerVerifier(options);
  return async (authorization) => {
    let principal: Principal;
    try {
      principal = await verify(authorization);
    } catch (err) {
      // The verifier's messages are written for callers: answer them as they are.
      const e = toCareRelayError(err);
      return {
        ok: false,
        error: e.httpStatus === 401 ? unauthorized(e.code, e.message, e) : unavailable(e.code, e.message, e),
      };
    }
    const { userId, tenantId, roles } = principal;
    if (tenantId === null) {
      return {
        ok: false,
        error: forbidden('AUTH_TENANT_MISSING', 'token names no valid tenant (tenant_id claim)'),
        principal: { userId, tenantId },
      };
    }
    if (!roles.includes(COMPLIANCE_OFFICER_ROLE)) {
      return {
        ok: false,
        error: forbidden('AUTH_ROLE_REQUIRED', `the ${COMPLIANCE_OFFICER_ROLE} role is required`),
        principal: { userId, tenantId },
      };
    }
    return { ok: true, officer: { userId, tenantId, roles } };
  };
}
