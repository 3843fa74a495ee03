import { createHash } from 'node:crypto';
import type { AuditFacts, AuditTrail } from './audit-event.js';

/** One refused authentication, as an ingress saw it. Never the token, never a body. */
export interface AuthFailure {
  /** The tenant whose trail records it: the ingress's own, or a verified token's. */
  readonly tenantId: string;
  /** Where it came from: the peer address, or a principal hint when the token named one. */
  readonly source: string;
  /** Stable code of the refusal (AUTH_TOKEN_INVALID, WEBHOOK_BAD_SIGNATURE...). */
  readonly reasonCode: string;
  /** What was asked for, e.g. `POST /v1/tasks` (a route template, never a raw URL). */
  readonly route: string;
  /** The verified user, when the signature held but the request was still refused. */
  readonly userId?: string | null;
  readonly useCase?: string | null;
}

export interface AuthFailureAggregatorOptions {
  readonly trail: Pick<AuditTrail, 'record'>;
  /** Length of an aggregation window (default one minute). */
  readonly windowMs?: number;
  /**
   * Distinct (tenant, source, reason, route, user) keys per window (default 1,000); failures
   * beyond are counted under one `overflow` source per tenant and reason, so a flood from
   * many addresses still writes a bounded number of events.
   */
  readonly maxKeys?: number;
  readonly now?: () => number;
  /** Told when a window's events could not be recorded; they are kept and retried. */
  readonly onError?: (err: unknown, failures: number) => void;
}

interface Tally {
  readonly windowStart: number;
  readonly failure: AuthFailure;
  count: number;
}

const OVERFLOW_SOURCE = 'overflow';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Aggregates authentication failures per (tenant, source, reason, route, user) and window:
 * one AUTH_FAILURE event per key and minute carrying `counts.failures`, instead of one
 * never-expiring event per refused request. `note` is synchronous and O(1), so a flood
 * costs the ingress a map update; `flush` records the windows that have closed (a timer
 * calls it once `start`ed), `shutdown` records everything still counted.
 *
 * The source is stored as a SHA-256 (an address may identify a person); the event's
 * description names the window and the route.
 */
export class AuthFailureAggregator {
  private readonly tallies = new Map<string, Tally>();
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  static fromConfig(options: AuthFailureAggregatorOptions): AuthFailureAggregator {
    return new AuthFailureAggregator(options);
  }

  private constructor(private readonly options: AuthFailureAggregatorOptions) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts one failure in the current window. */
  note(failure: AuthFailure): void {
    const windowStart = Math.floor(this.now() / this.windowMs) * this.windowMs;
    let key = tallyKey(windowStart, failure);
    let tally = this.tallies.get(key);
    if (!tally && this.tallies.size >= this.maxKeys) {
      const overflow: AuthFailure = { ...failure, source: OVERFLOW_SOURCE, userId: null, route: '*' };
      key = tallyKey(windowStart, overflow);
      tally = this.tallies.get(key);
      if (!tally) {
        tally = { windowStart, failure: overflow, count: 0 };
        this.tallies.set(key, tally);
      }
    } else if (!tally) {
      tally = { windowStart, failure, count: 0 };
      this.tallies.set(key, tally);
    }
    tally.count += 1;
  }

  /** Records the windows that have ended (all of them with `all`), one event per key. */
  flush(all = false): Promise<void> {
    // One flush at a time: two overlapping ones would record a window twice.
    this.flushing = this.flushing.then(() => this.flushClosed(all));
    return this.flushing;
  }

  /** Flushes closed windows every quarter window (the timer never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    const tick = Math.max(10, Math.floor(this.windowMs / 4));
    this.timer = setInterval(() => void this.flush(), tick);
    this.timer.unref();
  }

  /** Stops the timer and records every failure counted so far. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private async flushClosed(all: boolean): Promise<void> {
    const current = Math.floor(this.now() / this.windowMs) * this.windowMs;
    const due: Tally[] = [];
    for (const [key, tally] of this.tallies) {
      if (all || tally.windowStart < current) {
        due.push(tally);
        this.tallies.delete(key);
      }
    }
    for (const tally of due) {
      try {
        await this.options.trail.record(this.facts(tally));
      } catch (err) {
        // Kept for the next flush: a trail outage must not turn counted failures into none.
        const key = tallyKey(tally.windowStart, tally.failure);
        const again = this.tallies.get(key);
        if (again) again.count += tally.count;
        else this.tallies.set(key, tally);
        this.options.onError?.(err, tally.count);
      }
    }
  }

  private facts(tally: Tally): Omit<AuditFacts, 'service'> {
    const { failure, windowStart, count } = tally;
    const from = new Date(windowStart).toISOString();
    return {
      tenantId: failure.tenantId,
      action: 'AUTH_FAILURE',
      outcome: 'DENIED',
      userId: failure.userId ?? null,
      reasonCode: failure.reasonCode,
      useCase: failure.useCase ?? null,
      description: `${failure.route}: ${count} refused in the ${this.windowMs / 1000}s from ${from}`,
      counts: { failures: count, windowStartMs: windowStart, windowMs: this.windowMs },
      hashes: { source: sha256(failure.source) },
    };
  }
}

function tallyKey(windowStart: number, f: AuthFailure): string {
  return [windowStart, f.tenantId, f.source, f.reasonCode, f.route, f.userId ?? '', f.useCase ?? ''].join(
    '\u0000',
  );
}
