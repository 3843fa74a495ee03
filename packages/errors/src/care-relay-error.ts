/**
 * The one error base of CareRelay. Every error carries a stable string `code`
 * (e.g. `DEID_VAULT_UNAVAILABLE`, `POLICY_DENIED`), an optional `cause`, and a
 * `retryable` flag that the consumer runtime reads to choose retry or dead-letter,
 * and an HTTP status the edge maps it to.
 *
 * Messages must never contain PHI: they travel into logs and DLQ headers.
 */
export interface CareRelayErrorOptions {
  readonly retryable?: boolean;
  readonly cause?: unknown;
  readonly httpStatus?: number;
  /** Structured, PHI-free details (ids, counts, field names). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export class CareRelayError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: string, message: string, options: CareRelayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CareRelayError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus ?? 500;
    this.details = options.details ?? {};
  }

  toJSON(): { code: string; message: string; retryable: boolean; details: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: { ...this.details },
    };
  }
}

export function isCareRelayError(value: unknown): value is CareRelayError {
  return value instanceof CareRelayError;
}

/**
 * Wraps anything thrown into a CareRelayError. Unknown errors are treated as
 * retryable: a transient fault (network, timeout) is the common case, and the
 * runtime's bounded attempts still dead-letter a persistent one.
 */
export function toCareRelayError(value: unknown, fallbackCode = 'UNEXPECTED_ERROR'): CareRelayError {
  if (value instanceof CareRelayError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new CareRelayError(fallbackCode, message, { retryable: true, cause: value });
}
