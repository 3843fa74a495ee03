import { badRequest } from './errors.js';

/**
 * A position in the stable order (occurred_at, seq) of one tenant's events. `occurredUs` is
 * epoch microseconds, the store's own precision, so no row is skipped or repeated at a page
 * boundary. Both are decimal strings: bigint-sized, exact.
 */
export interface EventPosition {
  readonly occurredUs: string;
  readonly seq: string;
}

const DIGITS = /^\d{1,19}$/;

/** The opaque cursor handed to clients: base64url of the position. */
export function encodeCursor(position: EventPosition): string {
  return Buffer.from(JSON.stringify([position.occurredUs, position.seq])).toString('base64url');
}

/** Reads a cursor back; anything this API did not issue is a 400, never an exception. */
export function decodeCursor(cursor: string): EventPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !DIGITS.test(parsed[0]) ||
    !DIGITS.test(parsed[1])
  ) {
    throw badRequest('INVALID_CURSOR', 'cursor is not one this API issued; start again without it');
  }
  return { occurredUs: parsed[0], seq: parsed[1] };
}
