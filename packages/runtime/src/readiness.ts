import { toCareRelayError } from '@carerelay/errors';

/** One dependency a service needs to do its work (Redis, Postgres, the EHR, the model, Kafka). */
export interface DependencyCheck {
  /** How `/ready` names it: `redis`, `postgres`, `ehr`, `model`, `kafka`. */
  readonly name: string;
  /** A dependency that is down makes the service not ready (503). Default true. */
  readonly required?: boolean;
  /** Resolves when the dependency answers; rejects (ideally with a CareRelayError code) otherwise. */
  check(): Promise<void>;
}

export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly required: boolean;
  /** The code of the last failure (kept after recovery, with its time), never a message. */
  readonly lastErrorCode?: string;
  readonly lastErrorAt?: string;
  readonly checkedAt: string;
  readonly latencyMs: number;
}

export interface ReadinessReport {
  /** False when any required dependency is down. */
  readonly ready: boolean;
  readonly dependencies: Readonly<Record<string, DependencyStatus>>;
}

export interface ReadinessOptions {
  /** How long a result is reused, so `/ready` stays cheap under frequent probes. Default 3 s. */
  readonly cacheMs?: number;
  /** A check that does not answer within this is down (`DEPENDENCY_TIMEOUT`). Default 2 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly check: DependencyCheck;
  last?: DependencyStatus;
  lastAt: number;
  running?: Promise<DependencyStatus>;
  lastError?: { code: string; at: string };
}

/**
 * The dependencies a service registered, checked on demand for `/ready`, each reported by
 * name with its status and last error code. Results are cached for `cacheMs`, and one
 * check runs at a time per dependency however many probes arrive.
 */
export class Readiness {
  private readonly entries = new Map<string, Entry>();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: ReadinessOptions = {}) {
    this.cacheMs = options.cacheMs ?? 3_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** Adds a dependency (a later one with the same name replaces it). */
  register(check: DependencyCheck): void {
    this.entries.set(check.name, { check, lastAt: -Infinity });
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(
      [...this.entries].map(async ([name, entry]) => [name, await this.status(entry)] as const),
    );
    const dependencies = Object.fromEntries(results);
    return { ready: results.every(([, s]) => s.status === 'up' || !s.required), dependencies };
  }

  private status(entry: Entry): Promise<DependencyStatus> {
    if (entry.last && this.now() - entry.lastAt < this.cacheMs) return Promise.resolve(entry.last);
    entry.running ??= this.run(entry).finally(() => {
      entry.running = undefined;
    });
    return entry.running;
  }

  private async run(entry: Entry): Promise<DependencyStatus> {
    const began = this.now();
    let timer: NodeJS.Timeout | undefined;
    let failure: string | undefined;
    try {
      await Promise.race([
        entry.check.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('check timed out'), { code: 'DEPENDENCY_TIMEOUT' })),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      failure = errorCode(err);
    } finally {
      clearTimeout(timer);
    }
    const checkedAt = new Date(this.now()).toISOString();
    if (failure) entry.lastError = { code: failure, at: checkedAt };
    const status: DependencyStatus = {
      status: failure ? 'down' : 'up',
      required: entry.check.required ?? true,
      ...(entry.lastError ? { lastErrorCode: entry.lastError.code, lastErrorAt: entry.lastError.at } : {}),
      checkedAt,
      latencyMs: this.now() - began,
    };
    entry.last = status;
    entry.lastAt = this.now();
    return status;
  }
}

/** A stable code for a failure: the CareRelayError code, a Node/driver code (ECONNREFUSED), or a fallback. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  return toCareRelayError(err, 'DEPENDENCY_UNAVAILABLE').code;
}

/**
 * A check that an HTTP endpoint answers. `expectOk`: only a 2xx counts (an EHR's
 * `/metadata`); otherwise any answer below 500 shows the endpoint is reachable (a model
 * endpoint answers 401/404 to an unauthenticated GET).
 */
export function httpCheck(name: string, url: string, options: { expectOk?: boolean } = {}): DependencyCheck {
  return {
    name,
    check: async () => {
      const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(2_000) }).catch(
        (cause: unknown) => {
          const code = (cause as { cause?: { code?: unknown } }).cause?.code;
          throw Object.assign(new Error('unreachable'), {
            code: typeof code === 'string' ? code : 'HTTP_UNREACHABLE',
          });
        },
      );
      await response.body?.cancel();
      const ok = options.expectOk ? response.ok : response.status < 500;
      if (!ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `HTTP_${response.status}` });
    },
  };
}
