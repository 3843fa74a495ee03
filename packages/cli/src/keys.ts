import { existsSync } from 'node:fs';
import {
  exportFingerprintKeys,
  readKeyFile,
  retireKey,
  rotateKeyFile,
  writeKeyFile,
  LocalKeyProvider,
} from '@carerelay/crypto';
import { isCareRelayError } from '@carerelay/errors';

/** Default grace before a replaced key may be retired: the default vault TTL (7 days). */
const DEFAULT_GRACE_SECONDS = 7 * 24 * 3600;

export const KEYS_USAGE = `Usage: carerelay keys <command> --file KEY_FILE [options]

Commands:
  init --file F                 Create a new master key file (0600): key k1 and an identity root
  list --file F                 Show key ids, the active key and dates (never a secret)
  rotate --file F               Add a new key and make it active; old keys still open what they sealed
  retire --file F --key ID [--grace SECONDS]
                                Remove a replaced key: what it sealed can no longer be opened.
                                Refused for the active key and for a key replaced less than
                                SECONDS ago (default ${DEFAULT_GRACE_SECONDS}: the vault TTL)
  export-fingerprint --file F --tenant T [--tenant T ...] --out OUT
                                Write the llm-worker's FINGERPRINT_KEY_FILE: each tenant's
                                fingerprint key, nothing else (0600)

Pseudonyms, date shifts and fingerprints come from the identity root and never change on
rotation. Exit codes: 0 done, 1 refused or failed (reason on stderr), 2 usage error.
`;

interface Out {
  write(text: string): unknown;
}

function flags(argv: readonly string[], name: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    const value = argv[i + 1];
    if (arg === name && value !== undefined) values.push(value);
  });
  return values;
}

/** `carerelay keys …`: returns the exit code. */
export function runKeys(argv: readonly string[], stdout: Out, stderr: Out): number {
  const [command] = argv;
  if (command === undefined) {
    stderr.write(KEYS_USAGE);
    return 2;
  }
  if (command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    stdout.write(KEYS_USAGE);
    return 0;
  }
  const file = flags(argv, '--file')[0];
  const usage = (why: string): number => {
    stderr.write(`carerelay keys: ${why}\n\n${KEYS_USAGE}`);
    return 2;
  };
  if (!file) return usage(`${command} needs --file KEY_FILE`);
  try {
    switch (command) {
      case 'init': {
        if (existsSync(file)) {
          stderr.write(`carerelay keys: ${file} exists; not overwritten\n`);
          return 1;
        }
        LocalKeyProvider.fromFile(file, { create: true });
        stdout.write(`created ${file} (active key k1)\n`);
        return 0;
      }
      case 'list': {
        const keys = readKeyFile(file);
        stdout.write(`identity root: ${keys.identity?.id ?? keys.active} (never rotates)\n`);
        for (const k of keys.keys) {
          const state = k.id === keys.active ? 'active' : `replaced ${k.deactivatedAt ?? '(date unknown)'}`;
          stdout.write(`${k.id}\tcreated ${k.createdAt}\t${state}\n`);
        }
        return 0;
      }
      case 'rotate': {
        const { file: rotated, newKeyId } = rotateKeyFile(readKeyFile(file));
        writeKeyFile(file, rotated);
        stdout.write(`rotated ${file}: ${newKeyId} is active; restart the services that read it\n`);
        return 0;
      }
      case 'retire': {
        const key = flags(argv, '--key')[0];
        if (!key) return usage('retire needs --key ID');
        const graceText = flags(argv, '--grace')[0];
        const grace = graceText === undefined ? DEFAULT_GRACE_SECONDS : Number(graceText);
        if (!Number.isInteger(grace) || grace < 0)
          return usage(`--grace ${graceText} is not a whole number of seconds`);
        writeKeyFile(file, retireKey(readKeyFile(file), key, grace));
        stdout.write(`retired ${key} from ${file}; restart the services that read it\n`);
        return 0;
      }
      case 'export-fingerprint': {
        const tenants = flags(argv, '--tenant');
        const out = flags(argv, '--out')[0];
        if (tenants.length === 0 || !out) return usage('export-fingerprint needs --tenant T and --out FILE');
        writeKeyFile(out, exportFingerprintKeys(readKeyFile(file), tenants));
        stdout.write(`wrote fingerprint keys of ${tenants.length} tenant(s) to ${out}\n`);
        return 0;
      }
      default:
        return usage(`unknown keys command '${command}'`);
    }
  } catch (err) {
    if (!isCareRelayError(err)) throw err;
    stderr.write(`carerelay keys: ${err.code}: ${err.message}\n`);
    return 1;
  }
}
