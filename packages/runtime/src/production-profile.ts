import type { ConfigOf, ConfigSchema } from '@carerelay/config';
import { CareRelayError } from '@carerelay/errors';
import type { KafkaConfig } from './kafka-config.js';

/**
 * The production profile's transport rules (CARERELAY_PROFILE=production): every connection
 * that carries PHI, credentials or tokens is encrypted and verified, checked once at start
 * before any connection is opened, so a deployment copied from a local setup fails loudly
 * instead of talking plaintext. The local profile checks nothing: development runs on
 * `http://` sandboxes, `redis://` and a plaintext broker.
 *
 * - `https`: FHIR, SMART token, JWKS and model endpoints must be `https://`. Loopback is not
 *   exempt: in production a loopback endpoint is a sidecar or tunnel whose far side we cannot see.
 * - `redis`: `rediss://` only (the vault and idempotency stores hold tokens and PHI-derived keys).
 * - `postgres`: `sslmode=verify-full` in the URL, or PGSSLMODE=verify-full when the URL names no
 *   sslmode (node-postgres reads PGSSLMODE only then). `require`/`verify-ca` are refused: they
 *   accept a certificate for another host.
 * - Kafka: stricter than "TLS or SASL": TLS is required (SCRAM hides the password but not the
 *   records) and so is client authentication (SCRAM or an mTLS certificate). These are the
 *   production rules kafka-config.ts already enforces; they are repeated here so that one error
 *   lists every insecure transport of a deployment at once.
 *
 * The schema registry (SCHEMA_REGISTRY_URL) is deliberately not checked: it carries Avro
 * schemas, no PHI, and is commonly reached over plaintext inside the cluster.
 */
export type TransportKind = 'https' | 'redis' | 'postgres';

/**
 * Which of a service's own variables open a connection, by the rule production applies.
 * Declared in each service's config.ts next to its schema; Kafka comes from the common schema.
 */
export type ServiceTransports<S extends ConfigSchema> = {
  readonly [K in TransportKind]?: readonly UrlVariable<S>[];
};

/** The variables of S whose value is a string (URLs): only those can be declared as transports. */
type UrlVariable<S extends ConfigSchema> = {
  [K in keyof S & string]: ConfigOf<S>[K] extends string | undefined ? K : never;
}[keyof S & string];

export interface UrlTransport {
  /** The environment variable, named in the error (never its value's credentials). */
  readonly name: string;
  readonly kind: TransportKind;
  /** Unset optional variables are not checked. */
  readonly value: string | undefined;
}

export interface KafkaTransport {
  /** KAFKA_SSL. */
  readonly tls: boolean;
  /** SASL/SCRAM configured (KAFKA_SASL_*). */
  readonly sasl: boolean;
  /** A client certificate (KAFKA_SSL_CERT_FILE). */
  readonly mtls: boolean;
}

export interface TransportSettings {
  readonly urls: readonly UrlTransport[];
  readonly kafka?: KafkaTransport;
  /** PGSSLMODE from the environment: node-postgres falls back to it when a URL has no sslmode. */
  readonly pgSslMode?: string | undefined;
}

export interface TransportViolation {
  readonly name: string;
  readonly reason: string;
}

export const INSECURE_TRANSPORT = 'CONFIG_INSECURE_TRANSPORT';

/** Scheme, host, port and path only: userinfo, query (a Postgres `password=`) and fragment dropped. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '<not a URL>';
  }
}

function urlViolation(setting: UrlTransport, pgSslMode: string | undefined): string | undefined {
  if (setting.value === undefined || setting.value === '') return undefined;
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    return 'is not an absolute URL, so its transport cannot be checked';
  }
  const shown = redactUrl(setting.value);
  switch (setting.kind) {
    case 'https':
      return url.protocol === 'https:'
        ? undefined
        : `(${shown}) is ${url.protocol.replace(/:$/, '')}://, production requires https://`;
    case 'redis':
      return url.protocol === 'rediss:'
        ? undefined
        : `(${shown}) is Redis without TLS (${url.protocol}//), production requires rediss://`;
    case 'postgres': {
      // node-postgres applies the query parameters in order, so the last sslmode wins: all must say verify-full.
      const modes = url.searchParams.getAll('sslmode');
      if (modes.length > 0)
        return modes.every((mode) => mode === 'verify-full')
          ? undefined
          : `(${shown}) has sslmode=${modes[modes.length - 1] ?? ''}, production requires sslmode=verify-full`;
      if (pgSslMode === 'verify-full') return undefined;
      return `(${shown}) has no sslmode and PGSSLMODE is ${
        pgSslMode === undefined || pgSslMode === '' ? 'unset' : JSON.stringify(pgSslMode)
      }, production requires sslmode=verify-full`;
    }
  }
}

/**
 * Every transport of `settings` the profile refuses (all of them, not the first). Empty for
 * any profile but production.
 */
export function transportViolations(profile: string, settings: TransportSettings): TransportViolation[] {
  if (profile !== 'production') return [];
  const violations: TransportViolation[] = [];
  for (const setting of settings.urls) {
    const reason = urlViolation(setting, settings.pgSslMode);
    if (reason !== undefined) violations.push({ name: setting.name, reason });
  }
  const kafka = settings.kafka;
  if (kafka && !kafka.tls)
    violations.push({
      name: 'KAFKA_SSL',
      reason: 'is not true: Kafka without TLS, production requires KAFKA_SSL=true',
    });
  if (kafka && !kafka.sasl && !kafka.mtls)
    violations.push({
      name: 'KAFKA_SASL_MECHANISM',
      reason:
        'is unset and there is no KAFKA_SSL_CERT_FILE: Kafka without client authentication, production requires SCRAM or an mTLS certificate',
    });
  return violations;
}

/** Throws CONFIG_INSECURE_TRANSPORT naming every refused variable, when the profile is production. */
export function assertProductionTransport(profile: string, settings: TransportSettings): void {
  const violations = transportViolations(profile, settings);
  if (violations.length === 0) return;
  const lines = violations.map((v) => `${v.name} ${v.reason}`);
  throw new CareRelayError(
    INSECURE_TRANSPORT,
    `CARERELAY_PROFILE=production refuses ${violations.length} insecure transport setting(s):\n  - ${lines.join('\n  - ')}`,
    { details: { variables: violations.map((v) => v.name).join(',') } },
  );
}

/** The transport settings of a loaded service configuration: its declared URLs, Kafka, PGSSLMODE. */
export function serviceTransportSettings<S extends ConfigSchema>(
  transports: ServiceTransports<S>,
  common: KafkaConfig,
  own: ConfigOf<S>,
  env: Readonly<Record<string, string | undefined>>,
): TransportSettings {
  const urls: UrlTransport[] = [];
  for (const kind of ['https', 'redis', 'postgres'] as const) {
    for (const name of transports[kind] ?? []) {
      urls.push({ name, kind, value: own[name] as string | undefined });
    }
  }
  return {
    urls,
    kafka: {
      tls: common.KAFKA_SSL,
      sasl:
        common.KAFKA_SASL_MECHANISM !== undefined ||
        common.KAFKA_SASL_USERNAME !== undefined ||
        common.KAFKA_SASL_PASSWORD !== undefined,
      mtls: common.KAFKA_SSL_CERT_FILE !== undefined,
    },
    pgSslMode: env['PGSSLMODE'],
  };
}
