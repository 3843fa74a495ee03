/**
 * Typed configuration from environment variables, validated once at start-up.
 * Every problem is collected and reported together, naming each variable, so an
 * operator fixes a deployment in one pass rather than one crash per variable.
 * This package imports no internal package (it sits at the bottom of the graph).
 */
import { readFileSync } from 'node:fs';

export interface VarSpec<T> {
  readonly parse: (raw: string) => T;
  readonly default?: T;
  readonly optional?: boolean;
  readonly description: string;
  /** Secrets are never echoed in error messages. */
  readonly secret?: boolean;
  /**
   * The value may instead be the content of the file named by `<NAME>_FILE` (a mounted
   * Kubernetes/Docker secret), one trailing newline dropped. Setting both is an error.
   */
  readonly fromFile?: boolean;
}

export type ConfigSchema = Record<string, VarSpec<unknown>>;

export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends VarSpec<infer T>
    ? S[K]['optional'] extends true
      ? T | undefined
      : T
    : never;
};

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem(s)):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type SpecOptions<T> = {
  default?: T;
  optional?: boolean;
  description: string;
  secret?: boolean;
  fromFile?: boolean;
};

export function str(opts: SpecOptions<string>): VarSpec<string> {
  return {
    ...opts,
    parse: (raw) => {
      if (raw.trim() === '') throw new Error('must not be empty');
      return raw;
    },
  };
}

export function int(opts: SpecOptions<number> & { min?: number; max?: number }): VarSpec<number> {
  return {
    ...opts,
    parse: (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error('must be an integer');
      const value = Number.parseInt(raw, 10);
      if (opts.min !== undefined && value < opts.min) throw new Error(`must be >= ${opts.min}`);
      if (opts.max !== undefined && value > opts.max) throw new Error(`must be <= ${opts.max}`);
      return value;
    },
  };
}

export function bool(opts: SpecOptions<boolean>): VarSpec<boolean> {
  return {
    ...opts,
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new Error('must be true or false');
    },
  };
}

export function url(opts: SpecOptions<string> & { protocols?: readonly string[] }): VarSpec<string> {
  return {
    ...opts,
    parse: (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new Error('must be an absolute URL');
      }
      if (opts.protocols && !opts.protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new Error(`must use one of: ${opts.protocols.join(', ')}`);
      }
      return raw.replace(/\/+$/, '');
    },
  };
}

/** Comma-separated list; each item checked by `item` when given. */
export function list(opts: SpecOptions<string[]> & { item?: (v: string) => void }): VarSpec<string[]> {
  return {
    ...opts,
    parse: (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new Error('must list at least one value');
      items.forEach((v) => opts.item?.(v));
      return items;
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[], opts: SpecOptions<T>): VarSpec<T> {
  return {
    ...opts,
    parse: (raw) => {
      if (!(values as readonly string[]).includes(raw))
        throw new Error(`must be one of: ${values.join(', ')}`);
      return raw as T;
    },
  };
}

/** Reads `<NAME>_FILE` for specs with `fromFile`; other variables come from `env` only. */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    let raw = env[name];
    const file = spec.fromFile ? env[`${name}_FILE`] : undefined;
    if (file !== undefined && file !== '') {
      if (raw !== undefined && raw !== '') {
        problems.push(`${name} and ${name}_FILE are both set: set one (${spec.description})`);
        continue;
      }
      try {
        raw = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        problems.push(
          `${name}_FILE=${JSON.stringify(file)} cannot be read (${reason}) (${spec.description})`,
        );
        continue;
      }
    }
    if (raw === undefined || raw === '') {
      if (spec.default !== undefined) out[name] = spec.default;
      else if (spec.optional) out[name] = undefined;
      else problems.push(`${name} is required (${spec.description})`);
      continue;
    }
    try {
      out[name] = spec.parse(raw);
    } catch (err) {
      const shown = spec.secret ? '<redacted>' : JSON.stringify(raw);
      problems.push(`${name}=${shown} ${(err as Error).message} (${spec.description})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/**
 * A service's own defaults, overridable by the same variables, without the variables it
 * requires: the embedded runtime composes services in one process from their defaults
 * instead of restating them, and still honours `POLL_INTERVAL_MS=…` and the like.
 */
export function loadDefaults<S extends ConfigSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const defaulted: ConfigSchema = Object.fromEntries(
    Object.entries(schema).filter(([, spec]) => spec.default !== undefined || spec.optional),
  );
  const loaded = loadConfig(defaulted, env) as Record<string, unknown>;
  // A required variable has no default to give: reading one is a programming error, said loudly.
  return new Proxy(loaded, {
    get(target, key) {
      if (typeof key === 'string' && key in schema && !(key in defaulted))
        throw new Error(`${key} has no default: the embedded runtime must supply it`);
      return target[key as string];
    },
  }) as ConfigOf<S>;
}
