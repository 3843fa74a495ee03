import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@carerelay/audit';
import type { Bus } from '@carerelay/bus';
import { configFingerprint, type ConfigFingerprint, type ConfigSchema } from '@carerelay/config';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';

export interface ConfigApplied {
  readonly service: string;
  /** The audit chain the event joins: see `configAuditTenant`. */
  readonly tenantId: string;
  /** Every variable the service reads (common and its own). */
  readonly schema: ConfigSchema;
  /** Their effective values, after parsing and defaults. They never leave this function. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** How long a service's start retries auditing its configuration on a starting broker. */
export const DEFAULT_CONFIG_AUDIT_RETRY_MS = 60_000;

/** Prefix of the per-variable hashes in the event's `hashes` map, beside `config` (the digest). */
export const CONFIG_KEY_HASH_PREFIX = 'key:';

/**
 * The chain a service's configuration is audited in: the tenant it serves when its
 * own configuration names one (`TENANT_ID`, the ehr-connector), else the deployment's.
 */
export function configAuditTenant(
  own: Readonly<Record<string, unknown>>,
  common: { readonly AUDIT_DEPLOYMENT_TENANT: string },
): string {
  const tenant = own['TENANT_ID'];
  return typeof tenant === 'string' && tenant !== '' ? tenant : common.AUDIT_DEPLOYMENT_TENANT;
}

/**
 * Records the configuration in force at a service's start as one CONFIG_CHANGE event:
 * the fingerprint's digest under `config` and one hash per variable under `key:<NAME>`,
 * never a value. Every start records one, so two consecutive events of a service with
 * different digests show that its configuration changed, and the key hashes say where.
 *
 * Fails closed: if the event cannot be published (a non-retryable error, or retryable ones for
 * longer than `retryForMs`) this throws CONFIG_AUDIT_FAILED and the service must not start,
 * since a configuration nobody can account for is a risk.
 */
export async function auditConfigApplied(
  bus: Bus,
  applied: ConfigApplied,
  options: { readonly retryForMs?: number } = {},
): Promise<ConfigFingerprint> {
  const fingerprint = configFingerprint(applied.schema, applied.config);
  const keyHashes = Object.entries(fingerprint.keys).map(
    ([name, keyHash]) => [`${CONFIG_KEY_HASH_PREFIX}${name}`, keyHash] as const,
  );
  const trail = new AuditTrail(bus, applied.service);
  // One event id for every attempt: a publish that reached the broker although the client saw
  // an error is stored once.
  const eventId = randomUUID();
  const retryForMs = options.retryForMs ?? DEFAULT_CONFIG_AUDIT_RETRY_MS;
  const began = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await trail.record({
        eventId,
        tenantId: applied.tenantId,
        action: 'CONFIG_CHANGE',
        outcome: 'SUCCESS',
        description: 'configuration in force at service start',
        counts: { keys: keyHashes.length },
        hashes: { config: fingerprint.digest, ...Object.fromEntries(keyHashes) },
      });
      break;
    } catch (cause) {
      // A broker that is starting (its transaction coordinator still loading) or restarting
      // answers with retriable errors for a while: ride it out, then fail closed.
      const delay = Math.min(5_000, 250 * 2 ** (attempt - 1));
      if (!toCareRelayError(cause).retryable || Date.now() - began + delay > retryForMs) {
        throw new CareRelayError(
          'CONFIG_AUDIT_FAILED',
          'the configuration in force could not be audited; the service does not start',
          { retryable: true, cause },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return fingerprint;
}
