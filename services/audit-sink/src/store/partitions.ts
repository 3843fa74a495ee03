import type pg from 'pg';
import { storeError } from './errors.js';

/** First day of the UTC month of an epoch-ms instant, as YYYY-MM-01. */
export function monthOf(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** YYYY-MM-01 shifted by `delta` months. */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(year, m - 1 + delta, 1));
}

/**
 * Makes sure the monthly partitions an insert needs exist (audit.ensure_month_partitions,
 * SECURITY DEFINER), asking the database once per month per process. Called before the
 * insert's transaction, so the DDL commits on its own and its lock is held for an instant.
 */
export class MonthPartitions {
  private readonly seen = new Set<string>();

  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  /** Ensures every month from `from` to `to` (YYYY-MM-01, inclusive). */
  async ensureRange(from: string, to: string): Promise<void> {
    try {
      await this.pool.query('SELECT audit.ensure_month_partitions($1::date, $2::date)', [from, to]);
    } catch (err) {
      throw storeError(err, `partitions ${from}..${to} unavailable`);
    }
    for (let m = from; m <= to; m = addMonths(m, 1)) this.seen.add(m);
  }

  /** Ensures the months of these instants (epoch ms) that this process has not seen yet. */
  async ensureFor(instants: Iterable<number>): Promise<void> {
    const missing = new Set<string>();
    for (const ms of instants) {
      const month = monthOf(ms);
      if (!this.seen.has(month)) missing.add(month);
    }
    for (const month of [...missing].sort()) await this.ensureRange(month, month);
  }
}
