import { CareRelayError } from '@carerelay/errors';

/**
 * SQLSTATE classes that blame the records themselves (22: data exception, e.g. a NUL
 * character or a date out of range; 23: integrity violation). Only these may send a
 * record to the DLQ. Everything else (connection lost, shutdown, lock timeout, missing
 * grant, missing table) is the store's fault: retried until it heals, offsets uncommitted,
 * because an audit record parked in a DLQ is an audit record missing from the store.
 */
const RECORD_FAULT_CLASSES = new Set(['22', '23']);

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether a store error is the records' fault (dead-letter) rather than the store's (retry). */
export function isRecordFault(err: unknown): boolean {
  if (err instanceof CareRelayError) return !err.retryable;
  const state = sqlState(err);
  return state !== undefined && RECORD_FAULT_CLASSES.has(state.slice(0, 2));
}

const TRANSIENT_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);

/** A lost or refused connection, a shutdown, a deadlock: worth retrying as is. */
export function isTransient(err: unknown): boolean {
  const state = sqlState(err);
  return state === undefined ? !(err instanceof CareRelayError) : TRANSIENT_CLASSES.has(state.slice(0, 2));
}

/** Wraps a pg or network error in the one error type, with retryable set by who is at fault. */
export function storeError(cause: unknown, message: string): CareRelayError {
  if (cause instanceof CareRelayError) return cause;
  const state = sqlState(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (isRecordFault(cause)) {
    return new CareRelayError('AUDIT_RECORD_REJECTED', `${message}: ${reason}`, {
      retryable: false,
      cause,
      details: state ? { sqlState: state } : {},
    });
  }
  return new CareRelayError('AUDIT_STORE_UNAVAILABLE', `${message}: ${reason}`, {
    retryable: true,
    cause,
    details: state ? { sqlState: state } : {},
  });
}
