import { hash } from 'node:crypto';
import type { AuditEvent } from '@carerelay/events';

/** The `prev_hash` of the first event of every tenant's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Sorted keys of an object shape, each with its JSON-encoded `"key":` prefix. */
type Shape = readonly (readonly [key: string, prefix: string])[];
interface KnownShape {
  readonly keys: readonly string[];
  readonly shape: Shape;
}
// Events share a handful of shapes (the schema's fields, a few map key sets): each shape's
// keys are sorted once. Looked up by comparing key lists, cheaper than building a signature.
const known: KnownShape[] = [];
const MAX_SHAPES = 64;

function shapeOf(keys: readonly string[]): Shape {
  for (const candidate of known) {
    if (candidate.keys.length !== keys.length) continue;
    let same = true;
    for (let i = 0; i < keys.length && same; i++) same = candidate.keys[i] === keys[i];
    if (same) return candidate.shape;
  }
  const shape = [...keys].sort().map((key) => [key, `${JSON.stringify(key)}:`] as const);
  if (known.length < MAX_SHAPES) known.push({ keys: [...keys], shape });
  return shape;
}

function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const object = value as Readonly<Record<string, unknown>>;
  let out = '{';
  for (const [key, prefix] of shapeOf(Object.keys(object))) {
    const member = object[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += prefix + canonical(member);
  }
  return `${out}}`;
}

/**
 * The one serialization an audit event is hashed in: the Avro AuditEvent value as JSON,
 * object keys sorted recursively, no whitespace, occurredAt as epoch milliseconds, an
 * absent useCase as null, and ehrOccurredAt only when it holds a time (so the events
 * stored before the field existed keep their hashes). Two equal events give the same
 * string whatever their key order, so the store can rebuild an event from its columns
 * and recompute its hash.
 */
export function canonicalAuditJson(event: AuditEvent): string {
  const older = event as Partial<Pick<AuditEvent, 'useCase' | 'ehrOccurredAt'>>;
  if (older.useCase !== undefined && older.ehrOccurredAt !== null) return canonical(event);
  const { ehrOccurredAt, ...rest } = event;
  return canonical({
    ...rest,
    useCase: rest.useCase ?? null,
    ...(ehrOccurredAt === null || ehrOccurredAt === undefined ? {} : { ehrOccurredAt }),
  });
}

/**
 * One link of a tenant's chain: SHA-256 (hex) over the previous link's hash, a newline,
 * and the canonical event. Changing any field of any event, or the order of events,
 * changes every hash after it.
 */
export function chainHash(prevHash: string, event: AuditEvent): string {
  // One-shot crypto.hash (Node >= 20.12): half the cost of createHash for strings this short.
  return hash('sha256', `${prevHash}\n${canonicalAuditJson(event)}`, 'hex');
}
