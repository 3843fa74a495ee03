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

  state(deployment: string): State['kind'] {
    return (this.states.get(deployment) ?? { kind: 'closed' }).kind;
  }
}
