import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { CareRelayError } from '@carerelay/errors';

/** A master secret: 32 random bytes, base64. */
export interface KeyEntry {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: string;
  /** When another key replaced it as active (set by `rotate`); retirement waits from here. */
  readonly deactivatedAt?: string;
}

/**
 * The master key file (0600, owned by the service user).
 * - `keys`: encryption masters. `active` seals and wraps new data; the others still open
 *   and unwrap what they sealed until they are retired (removed).
 * - `identity` (version 2): the long-lived root of the *stable* per-tenant keys
 *   (pseudonyms, date shifts, fingerprints). Rotation never changes it.
 * A version 1 file (no `identity`) uses its active key as the identity root, which is what
 * every purpose used before key ids existed: a one-key file behaves exactly as before.
 */
export interface KeyFile {
  readonly version: 1 | 2;
  readonly active: string;
  readonly keys: readonly KeyEntry[];
  readonly identity?: KeyEntry;
}

/** Per-tenant fingerprint keys for the llm-worker: nothing else is in this file. */
export interface FingerprintKeyFile {
  readonly version: 1;
  readonly purpose: 'fingerprint';
  readonly tenants: Readonly<Record<string, string>>;
}

/** Purposes whose keys rotate with the active master (data sealed with them carries a key id). */
export type EncryptionPurpose = 'kek' | 'vault';
/** Purposes whose keys never rotate: derived from the identity root. */
export type StablePurpose = 'pseudonym' | 'date-shift' | 'fingerprint';
export const STABLE_PURPOSES: readonly StablePurpose[] = ['pseudonym', 'date-shift', 'fingerprint'];

/** HKDF-SHA256(secret, salt = tenant, info = carerelay/<purpose>/v1): the one derivation. */
export function deriveTenantKey(secret: Buffer, tenantId: string, purpose: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secret, Buffer.from(tenantId, 'utf8'), `carerelay/${purpose}/v1`, 32),
  );
}

const badFile = (path: string, why: string): CareRelayError =>
  new CareRelayError('CRYPTO_BAD_KEY_FILE', `key file ${path}: ${why}`, { retryable: false });

/**
 * Refuses a key file others could read or replace: mode must grant nothing to group or
 * others, and the file must belong to the user running the service (POSIX only).
 */
export function assertPrivateKeyFile(path: string): void {
  if (process.platform === 'win32') return;
  const stat = statSync(path);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new CareRelayError(
      'CRYPTO_KEY_FILE_PERMISSIONS',
      `key file ${path} has mode ${mode}: group or others can access it; run \`chmod 600 ${path}\``,
      { retryable: false, details: { mode } },
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new CareRelayError(
      'CRYPTO_KEY_FILE_OWNER',
      `key file ${path} is owned by uid ${stat.uid}, not by the service user (uid ${uid}); run \`chown ${uid} ${path}\``,
      { retryable: false, details: { owner: stat.uid, uid } },
    );
  }
}

function readJson(path: string): unknown {
  if (!existsSync(path)) {
    throw new CareRelayError('CRYPTO_KEY_UNAVAILABLE', `key file ${path} does not exist`, {
      retryable: true,
    });
  }
  assertPrivateKeyFile(path);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CareRelayError('CRYPTO_BAD_KEY_FILE', `key file ${path} is unreadable`, { cause });
  }
}

const isSecret = (s: unknown): boolean => typeof s === 'string' && Buffer.from(s, 'base64').length === 32;

function checkEntry(path: string, e: unknown, what: string): KeyEntry {
  const entry = e as Partial<KeyEntry> | null;
  if (!entry || typeof entry.id !== 'string' || typeof entry.createdAt !== 'string') {
    throw badFile(path, `${what} needs an id and createdAt`);
  }
  // Key ids travel in envelopes and vault blob headers (one length byte).
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(entry.id)) throw badFile(path, `${what} has an invalid id`);
  if (!isSecret(entry.secret)) throw badFile(path, `key ${entry.id} is not 32 bytes`);
  return entry as KeyEntry;
}

/** Reads and validates a master key file (permissions first). */
export function readKeyFile(path: string): KeyFile {
  const raw = readJson(path) as Partial<KeyFile> & { purpose?: unknown };
  if (raw.purpose === 'fingerprint') {
    throw badFile(path, 'is a fingerprint key file, not a master key file');
  }
  if (
    (raw.version !== 1 && raw.version !== 2) ||
    !Array.isArray(raw.keys) ||
    typeof raw.active !== 'string'
  ) {
    throw badFile(path, 'expected {version, active, keys[]}');
  }
  const keys = raw.keys.map((k, i) => checkEntry(path, k, `keys[${i}]`));
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw badFile(path, 'duplicate key ids');
  if (!keys.some((k) => k.id === raw.active))
    throw badFile(path, `active key ${raw.active} is not in the key file`);
  if (raw.version === 2 && raw.identity === undefined) throw badFile(path, 'version 2 needs an identity key');
  const identity = raw.identity === undefined ? undefined : checkEntry(path, raw.identity, 'identity');
  return { version: raw.version, active: raw.active, keys, ...(identity ? { identity } : {}) };
}

/** Writes atomically (temporary file in the same directory, 0600, then rename). */
export function writeKeyFile(path: string, file: KeyFile | FingerprintKeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

const newKey = (id: string, now: Date): KeyEntry => ({
  id,
  secret: randomBytes(32).toString('base64'),
  createdAt: now.toISOString(),
});

/** A new file: one encryption master `k1` and a separate identity root. */
export function newKeyFile(now = new Date()): KeyFile {
  return { version: 2, active: 'k1', keys: [newKey('k1', now)], identity: newKey('identity', now) };
}

/** The identity root: the file's own, or (version 1) its active key. */
export function identityOf(file: KeyFile): KeyEntry {
  return file.identity ?? file.keys.find((k) => k.id === file.active)!;
}

/**
 * Adds a new master and makes it active; the previous one stays to open old data.
 * A version 1 file becomes version 2 with its active key copied as the identity root,
 * so pseudonyms, date shifts and fingerprints stay what they were.
 */
export function rotateKeyFile(file: KeyFile, now = new Date()): { file: KeyFile; newKeyId: string } {
  const identity = identityOf(file);
  let n = file.keys.length + 1;
  while (file.keys.some((k) => k.id === `k${n}`)) n++;
  const fresh = newKey(`k${n}`, now);
  const keys = file.keys.map((k) => (k.id === file.active ? { ...k, deactivatedAt: now.toISOString() } : k));
  return {
    file: { version: 2, active: fresh.id, keys: [...keys, fresh], identity },
    newKeyId: fresh.id,
  };
}

/**
 * Removes a master: what it sealed (vault entries, envelopes) can no longer be opened.
 * Refuses the active key, and a key replaced less than `graceSeconds` ago (data it sealed
 * may still be live: vault TTL, ai.task.v1 retention).
 */
export function retireKey(file: KeyFile, keyId: string, graceSeconds: number, now = new Date()): KeyFile {
  const key = file.keys.find((k) => k.id === keyId);
  if (!key) throw new CareRelayError('CRYPTO_UNKNOWN_KEY', `key ${keyId} is not in the key file`);
  if (keyId === file.active) {
    throw new CareRelayError('CRYPTO_KEY_ACTIVE', `key ${keyId} is active: rotate first, then retire it`);
  }
  const since = Date.parse(key.deactivatedAt ?? key.createdAt);
  const ageSeconds = Math.floor((now.getTime() - since) / 1000);
  if (ageSeconds < graceSeconds) {
    throw new CareRelayError(
      'CRYPTO_KEY_IN_GRACE',
      `key ${keyId} was replaced ${ageSeconds} s ago; data it sealed may still be live for ${graceSeconds - ageSeconds} s more`,
      { details: { ageSeconds, graceSeconds } },
    );
  }
  // A version 1 file keeps its identity root even when that key is retired.
  const identity = identityOf(file);
  return { version: 2, active: file.active, keys: file.keys.filter((k) => k.id !== keyId), identity };
}

/** The llm-worker's file: the fingerprint key of each tenant named, nothing else. */
export function exportFingerprintKeys(file: KeyFile, tenants: readonly string[]): FingerprintKeyFile {
  const root = Buffer.from(identityOf(file).secret, 'base64');
  return {
    version: 1,
    purpose: 'fingerprint',
    tenants: Object.fromEntries(
      tenants.map((t) => [t, deriveTenantKey(root, t, 'fingerprint').toString('base64')]),
    ),
  };
}

/** Reads and validates a fingerprint key file (permissions first); refuses a master key file. */
export function readFingerprintKeyFile(path: string): FingerprintKeyFile {
  const raw = readJson(path) as Partial<FingerprintKeyFile> & { keys?: unknown };
  if (raw.keys !== undefined) {
    throw new CareRelayError(
      'CRYPTO_KEY_FILE_SCOPE',
      `key file ${path} holds master keys: the llm-worker takes only fingerprint keys (carerelay keys export-fingerprint)`,
    );
  }
  if (
    raw.version !== 1 ||
    raw.purpose !== 'fingerprint' ||
    typeof raw.tenants !== 'object' ||
    raw.tenants === null
  ) {
    throw badFile(path, 'expected {version: 1, purpose: "fingerprint", tenants}');
  }
  for (const [tenant, secret] of Object.entries(raw.tenants)) {
    if (!isSecret(secret)) throw badFile(path, `fingerprint key of tenant ${tenant} is not 32 bytes`);
  }
  return raw as FingerprintKeyFile;
}
