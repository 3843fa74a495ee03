import { badRequest } from './errors.js';

/** A half-open interval [from, to) of occurred_at. */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

export interface RangeRules {
  /** Where the range starts when the caller gives no `from`, counted back from `to`. */
  readonly defaultFrom: (to: Date) => Date;
  /** The widest range one request may ask for. */
  readonly maxDays: number;
}

const DAY_MS = 86_400_000;

export function daysBefore(days: number): (to: Date) => Date {
  return (to) => new Date(to.getTime() - days * DAY_MS);
}

export function yearsBefore(years: number): (to: Date) => Date {
  return (to) => {
    const from = new Date(to.getTime());
    from.setUTCFullYear(from.getUTCFullYear() - years);
    return from;
  };
}

/**
 * The range a request asks for: `to` defaults to now, `from` to the rule's default. A range
 * that is empty, reversed or wider than `maxDays` is refused with a message saying so.
 * Inputs are ISO 8601 strings already checked by the route schema.
 */
export function resolveTimeRange(
  query: { readonly from?: string; readonly to?: string },
  rules: RangeRules,
  now: Date = new Date(),
): TimeRange {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? rules.defaultFrom(to) : new Date(query.from);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw badRequest('INVALID_RANGE', 'from and to must be ISO 8601 date-times');
  }
  if (from.getTime() >= to.getTime()) {
    throw badRequest('INVALID_RANGE', 'from must be earlier than to');
  }
  if (to.getTime() - from.getTime() > rules.maxDays * DAY_MS) {
    throw badRequest(
      'RANGE_TOO_LARGE',
      `the time range spans more than ${rules.maxDays} days; narrow from/to or page through several requests`,
    );
  }
  return { from, to };
}
