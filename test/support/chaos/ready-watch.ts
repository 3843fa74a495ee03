/** One answer of a service's `/ready` (status 0: no answer within the timeout). */
export interface ReadySample {
  readonly at: number;
  readonly status: number;
  readonly body: unknown;
}

export type DependencyState = 'ok' | 'not-ok' | 'absent';

/** How each dependency may be named in a `/ready` body (the service's own name never matches). */
export const DEPENDENCY_NAMES = {
  redis: /^redis/i,
  ehr: /^(ehr|fhir)(?!-connector)/i,
  model: /^(model|llm|azure|openai)(?!-worker)/i,
  postgres: /^(postgres|pg|audit-?store|database|db)$/i,
  kafka: /^kafka/i,
} as const;

const OK_WORDS = /^(ok|up|ready|healthy|connected|available|pass|passing|true)$/i;

function judge(value: unknown): DependencyState {
  if (typeof value === 'boolean') return value ? 'ok' : 'not-ok';
  if (typeof value === 'string') return OK_WORDS.test(value.trim()) ? 'ok' : 'not-ok';
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const flag of ['ok', 'healthy', 'ready', 'up', 'available'])
      if (typeof o[flag] === 'boolean') return o[flag] ? 'ok' : 'not-ok';
    for (const field of ['status', 'state']) if (typeof o[field] === 'string') return judge(o[field]);
  }
  return 'absent';
}

/**
 * What a `/ready` body says about one dependency, whatever its exact shape: a key naming
 * the dependency (`{dependencies: {redis: {ok: false}}}`, `{redis: "down"}`), or an entry
 * whose `name` names it (`[{name: "redis", status: "down"}]`). A boolean, an ok-word, or an
 * object's ok/healthy/ready/status field decides; any not-ok mention wins.
 */
export function dependencyState(body: unknown, name: RegExp): DependencyState {
  const found: DependencyState[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const field of ['name', 'dependency', 'id'])
      if (typeof o[field] === 'string' && name.test(o[field])) found.push(judge(o));
    for (const [key, value] of Object.entries(o)) {
      if (name.test(key)) found.push(judge(value));
      walk(value);
    }
  };
  walk(body);
  if (found.includes('not-ok')) return 'not-ok';
  return found.includes('ok') ? 'ok' : 'absent';
}

/** Polls one `/ready` about every `everyMs` (one request at a time) until stopped. */
export class ReadyWatch {
  readonly samples: ReadySample[] = [];
  private running = true;
  private loop: Promise<void>;

  constructor(
    readonly service: string,
    private readonly url: string,
    everyMs: number,
    timeoutMs = 3_000,
  ) {
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        try {
          const res = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
          const text = await res.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // a plain-text body is kept as it is
          }
          this.samples.push({ at, status: res.status, body });
        } catch {
          this.samples.push({ at, status: 0, body: null });
        }
        const wait = everyMs - (Date.now() - at);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

export interface FollowVerdict {
  readonly service: string;
  readonly dependency: string;
  /** A sample during the fault named the dependency not-ok. */
  readonly wentNotReady: boolean;
  /** After the fault, a 200 whose body no longer named it not-ok, within the recovery deadline. */
  readonly cameBack: boolean;
  readonly samplesDuring: number;
  /** One body seen during the fault, for the report. */
  readonly example: string;
}

/** Did `/ready` follow the dependency through the fault window [from, to]? */
export function followed(
  watch: ReadyWatch,
  dependency: keyof typeof DEPENDENCY_NAMES,
  window: { from: number; to: number },
  recoveryMs: number,
): FollowVerdict {
  const name = DEPENDENCY_NAMES[dependency];
  const during = watch.samples.filter((s) => s.at >= window.from && s.at <= window.to);
  const down = during.find((s) => dependencyState(s.body, name) === 'not-ok');
  const after = watch.samples.filter(
    (s) => s.at > (down?.at ?? window.to) && s.at >= window.to && s.at <= window.to + recoveryMs,
  );
  const cameBack = after.some((s) => s.status === 200 && dependencyState(s.body, name) !== 'not-ok');
  const example = JSON.stringify((down ?? during.at(-1))?.body ?? null).slice(0, 300);
  return {
    service: watch.service,
    dependency,
    wentNotReady: down !== undefined,
    cameBack: down !== undefined && cameBack,
    samplesDuring: during.length,
    example,
  };
}
