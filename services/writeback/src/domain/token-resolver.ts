import { reidentify, type VaultEntry } from '@carerelay/phi';

/**
 * Re-identifies texts of one record inside the trust boundary and keeps the tally the record
 * and its audit report: how many tokens were replaced, and which could not be (left as written,
 * a visible placeholder, never a guess). Without a vault entry (purged) nothing resolves.
 */
export class TokenResolver {
  private readonly missing = new Set<string>();
  private count = 0;

  constructor(private readonly entry: Pick<VaultEntry, 'tokens' | 'dateShiftDays'> | undefined) {}

  readonly resolve = (text: string): string => {
    const r = reidentify(text, this.entry?.tokens ?? {}, {
      dateShiftDays: this.entry?.dateShiftDays ?? null,
    });
    this.count += r.replaced;
    for (const t of r.unresolved) this.missing.add(t);
    return r.text;
  };

  /** Tokens no value was found for, sorted. */
  get unresolved(): string[] {
    return [...this.missing].sort();
  }

  get replaced(): number {
    return this.count;
  }
}
