/**
 * Replay protection for the signed-webhook ingress: a delivery's key is claimed once for
 * the replay window, and a second claim of the same key fails.
 *
 * In production the service backs this with Redis (shared across replicas):
 *   claim:   SET <key> 1 NX EX <ttlSeconds>   → "OK" = claimed, nil = already seen
 *   release: DEL <key>
 * e.g. with ioredis: `(await redis.set(key, '1', 'EX', ttl, 'NX')) === 'OK'`.
 */
export interface ReplayStore {
  /** Atomically claims `key` for `ttlSeconds`; false when it is already claimed. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Gives a claim back, so a delivery that failed downstream (503) is accepted when the
   * vendor retries it.
   */
  release(key: string): Promise<void>;
}

/** A single-process ReplayStore for tests, demos and the embedded default. */
export class MemoryReplayStore implements ReplayStore {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.#now();
    this.#sweep(now);
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > now) return Promise.resolve(false);
    this.#expiries.set(key, now + ttlSeconds * 1000);
    return Promise.resolve(true);
  }

  release(key: string): Promise<void> {
    this.#expiries.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.#expiries.size;
  }

  /** Drops expired keys once the map grows, so memory stays bounded by the window. */
  #sweep(now: number): void {
    if (this.#expiries.size < 1024 || now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [key, expiry] of this.#expiries) {
      if (expiry <= now) this.#expiries.delete(key);
    }
  }
}
