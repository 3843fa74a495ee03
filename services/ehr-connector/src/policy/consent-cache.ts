import type { Consent } from '@medplum/fhirtypes';

/**
 * A client's Consent resources, cached briefly (each task checks consent, and a busy
 * session day asks many times) and dropped as soon as the EHR reports a Consent change,
 * so a revocation is honoured on the next task. Changes are keyed `tenantId:clientId` on
 * the bus, so the instance that plans a client's tasks is the one that sees that client's
 * Consent changes; after a rebalance the TTL bounds how stale a cache can be.
 */
export class ConsentCache {
  private readonly entries = new Map<string, { consents: Consent[]; expiresAt: number }>();

  constructor(
    private readonly read: (clientId: string) => Promise<Consent[]>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async consentsOf(tenantId: string, clientId: string): Promise<Consent[]> {
    const key = `${tenantId}:${clientId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.consents;
    const consents = await this.read(clientId);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    if (this.ttlMs > 0) this.entries.set(key, { consents, expiresAt: this.now() + this.ttlMs });
    return consents;
  }

  invalidate(tenantId: string, clientId: string): void {
    this.entries.delete(`${tenantId}:${clientId}`);
  }
}
