import { CareRelayError } from '@carerelay/errors';

type State =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; until: number }
  | { kind: 'half-open'; trial: boolean };

/**
 * Per deployment: after `threshold` consecutive upstream failures the circuit
 * opens and calls fail fast (retryable) for `resetMs`; then one trial call is
 * let through, and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, State>();
  /** Until when each deployment asked us (Retry-After) not to call it. */
  private readonly throttledUntil = new Map<string, number>();

  constructor(
    private readonly threshold: number,
    private readonly resetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws LLM_CIRCUIT_OPEN when the deployment must not be called now. */
  enter(deployment: string): void {
    const state = this.states.get(deployment) ?? { kind: 'closed', failures: 0 };
    if (state.kind === 'open') {
      if (this.now() < state.until) {
        throw new CareRelayError('LLM_CIRCUIT_OPEN', `circuit open for ${deployment}`, {
          retryable: true,
          details: { retryAfterMs: state.until - this.now() },
        });
      }
      this.states.set(deployment, { kind: 'half-open', trial: true });
      return;
    }
    if (state.kind === 'half-open') {
      if (state.trial)
        throw new CareRelayError('LLM_CIRCUIT_OPEN', `circuit half-open for ${deployment}`, {
          retryable: true,
        });
      this.states.set(deployment, { kind: 'half-open', trial: true });
    }
  }

  success(deployment: string): void {
    this.states.set(deployment, { kind: 'closed', failures: 0 });
    this.throttledUntil.delete(deployment);
  }

  failure(deployment: string): void {
    const state = this.states.get(deployment) ?? { kind: 'closed', failures: 0 };
    const failures = state.kind === 'closed' ? state.failures + 1 : this.threshold;
    this.states.set(
      deployment,
      failures >= this.threshold
        ? { kind: 'open', until: this.now() + this.resetMs }
        : { kind: 'closed', failures },
    );
  }

  /** The deployment answered 429/503 with a Retry-After: it is not taking calls until then. */
  throttled(deployment: string, retryAfterMs: number): void {
    const until = this.now() + retryAfterMs;
    this.throttledUntil.set(deployment, Math.max(until, this.throttledUntil.get(deployment) ?? 0));
  }

  /**
   * Why no deployment should be called now, as readiness reports it: the circuit is open, or
   * the provider asked us to wait (Retry-After not yet over); null when every deployment takes calls.
   */
  unavailable(): { code: 'LLM_CIRCUIT_OPEN' | 'LLM_RATE_LIMITED'; deployment: string } | null {
    const now = this.now();
    for (const [deployment, state] of this.states) {
      if (state.kind === 'open' && now < state.until) return { code: 'LLM_CIRCUIT_OPEN', deployment };
    }
    for (const [deployment, until] of this.throttledUntil) {
      if (now < until) return { code: 'LLM_RATE_LIMITED', deployment };
    }
    return null;
  }

  state(deployment: string): State['kind'] {
    return (this.states.get(deployment) ?? { kind: 'closed' }).kind;
  }
}
