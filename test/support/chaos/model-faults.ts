import {
  obeySchema,
  type RecordedRequest,
  type Responder,
  type ScriptedResponse,
} from '@carerelay/llm/testing';

export type Treatment = 'normal' | 'slow' | 'rate-limited';

/** One HTTP request to the model endpoint and what the script did with it. */
export interface ModelRequest {
  readonly at: number;
  /** The task the llm-worker named in `x-ms-client-request-id` (its request id is the task id). */
  readonly taskId: string | undefined;
  readonly treatment: Treatment;
}

export interface ModelPhase {
  readonly treatment: Exclude<Treatment, 'normal'>;
  /** How long the phase lasts once its first request arrived. */
  readonly windowMs: number;
  /** slow: the answer comes after this long. */
  readonly delayMs?: number;
  /** rate-limited: the Retry-After header, in seconds. */
  readonly retryAfterSeconds?: number;
}

/**
 * The Azure endpoint's faults, as a responder for the recorder: once armed, the model
 * goes through its phases in order, each starting with the first request that arrives
 * after the previous one ended (so every phase meets a request in flight), and answers
 * normally after the last. A slow answer is a 200 after `delayMs`; a rate-limited one
 * is a 429 with `Retry-After`.
 */
export class ModelFaultScript {
  readonly requests: ModelRequest[] = [];
  private phases: Array<ModelPhase & { startedAt?: number }> = [];
  private current = 0;

  constructor(private readonly base: Responder = obeySchema) {}

  arm(phases: readonly ModelPhase[]): void {
    this.phases = phases.map((p) => ({ ...p }));
    this.current = 0;
  }

  /** When a phase was in force: [first request, end of its window]; undefined until it started. */
  window(treatment: ModelPhase['treatment']): { from: number; to: number } | undefined {
    const phase = this.phases.find((p) => p.treatment === treatment);
    return phase?.startedAt === undefined
      ? undefined
      : { from: phase.startedAt, to: phase.startedAt + phase.windowMs };
  }

  /** True once every phase has started and its window is over. */
  done(now = Date.now()): boolean {
    return this.phases.every((p) => p.startedAt !== undefined && now >= p.startedAt + p.windowMs);
  }

  readonly responder: Responder = (request: RecordedRequest, index: number): ScriptedResponse => {
    const phase = this.phaseAt(request.at);
    const taskId = request.headers['x-ms-client-request-id'] || undefined;
    this.requests.push({ at: request.at, taskId, treatment: phase?.treatment ?? 'normal' });
    if (phase?.treatment === 'rate-limited') {
      return {
        status: 429,
        headers: { 'retry-after': String(phase.retryAfterSeconds ?? 30) },
        body: {
          error: {
            code: '429',
            message: 'Requests to the ChatCompletions_Create Operation have exceeded call rate limit.',
          },
        },
      };
    }
    const answer = this.base(request, index);
    return phase?.treatment === 'slow' ? { ...answer, delayMs: phase.delayMs ?? 45_000 } : answer;
  };

  private phaseAt(at: number): ModelPhase | undefined {
    while (this.current < this.phases.length) {
      const phase = this.phases[this.current]!;
      phase.startedAt ??= at;
      if (at < phase.startedAt + phase.windowMs) return phase;
      this.current += 1;
    }
    return undefined;
  }
}
