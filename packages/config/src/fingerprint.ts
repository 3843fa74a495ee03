import { createHash } from 'node:crypto';
import type { ConfigSchema } from './load-config.js';

/**
 * A configuration's identity without its values: one short hash per variable and
 * a digest over all of them. Two fingerprints with the same digest ran with the
 * same configuration; where they differ, the per-key hashes name what changed.
 */
export interface ConfigFingerprint {
  /** SHA-256 hex over the sorted `KEY=keyhash` lines. */
  readonly digest: string;
  /** Per variable of the schema: 16 hex chars of SHA-256, `unset`, or for a secret `set`. */
  readonly keys: Readonly<Record<string, string>>;
}

/** A variable with no effective value (optional and not given). */
export const UNSET = 'unset';
/** A secret with a value: nothing is derived from a secret's value. */
export const SET = 'set';
const KEY_HASH_LENGTH = 16;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted recursively, so equal values hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Readonly<Record<string, unknown>>;
    const members = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A URL without its password: a password is a secret wherever it is written. */
function withoutPassword(value: unknown): unknown {
  if (typeof value !== 'string' || !value.includes('@') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return value;
  try {
    const parsed = new URL(value);
    if (parsed.password === '') return value;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return value;
  }
}

/**
 * Fingerprints the effective values (after parsing and defaults) of every variable
 * of `schema`. The result carries hashes only, never a value. An unsalted hash of a
 * guessable value can be confirmed by guessing, so nothing is derived from secrets
 * (they show as `set` or `unset`; a rotation is not visible) nor from passwords in
 * URLs (removed before hashing). Other low-entropy values (a port, a flag) can be
 * guessed from their hash: they are not secret.
 */
export function configFingerprint(
  schema: ConfigSchema,
  values: Readonly<Record<string, unknown>>,
): ConfigFingerprint {
  const keys: Record<string, string> = {};
  const lines: string[] = [];
  for (const name of Object.keys(schema).sort()) {
    const value = values[name];
    const keyHash =
      value === undefined || value === null
        ? UNSET
        : schema[name]!.secret
          ? SET
          : sha256Hex(canonicalJson(withoutPassword(value))).slice(0, KEY_HASH_LENGTH);
    keys[name] = keyHash;
    lines.push(`${name}=${keyHash}`);
  }
  return { digest: sha256Hex(lines.join('\n')), keys };
}
