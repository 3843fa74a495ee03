import { createHash } from 'node:crypto';

/**
 * `<prefix>-<32 hex>` from SHA-256 over the parts (NUL-separated): the same parts always give
 * the same id, so a repeated change, delivery or click is recognised downstream.
 */
export function stableId(prefix: string, ...parts: readonly string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}
