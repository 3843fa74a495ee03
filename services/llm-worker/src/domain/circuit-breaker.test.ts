import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast, retryable', () => {
    let now = 0;
    const cb = new CircuitBreaker(3, 1_000, () => now);
    for (let i = 0; i < 3; i++) {
      cb.enter('gpt');
      cb.failure('gpt');
    }
    expect(() => cb.enter('gpt')).toThrow(
      expect.objectContaining({ code: 'LLM_CIRCUIT_OPEN', retryable: true }) as Error,
    );
    expect(() => cb.enter('other')).not.toThrow();
    now = 1_001;
    cb.enter('gpt'); // the one trial call
    expect(() => cb.enter('gpt')).toThrow(/half-open/);
    cb.success('gpt');
    expect(cb.state('gpt')).toBe('closed');
  });

  it('a failed trial re-opens the circuit; a success in between resets the count', () => {
    let now = 0;
    const cb = new CircuitBreaker(2, 500, () => now);
    cb.failure('d');
    cb.success('d');
    cb.failure('d');
    expect(cb.state('d')).toBe('closed');
    cb.failure('d');
    expect(cb.state('d')).toBe('open');
    now = 600;
    cb.enter('d');
    cb.failure('d');
    expect(cb.state('d')).toBe('open');
  });

  it('reports the deployment unavailable while a Retry-After runs or the circuit is open (readiness)', () => {
    let now = 0;
    const cb = new CircuitBreaker(2, 5_000, () => now);
    expect(cb.unavailable()).toBeNull();
    cb.throttled('gpt', 30_000);
    now = 29_999;
    expect(cb.unavailable()).toEqual({ code: 'LLM_RATE_LIMITED', deployment: 'gpt' });
    now = 30_000;
    expect(cb.unavailable()).toBeNull();
    cb.throttled('gpt', 30_000);
    cb.success('gpt'); // a call answered: the provider takes calls again
    expect(cb.unavailable()).toBeNull();
    cb.failure('gpt');
    cb.failure('gpt');
    expect(cb.unavailable()).toEqual({ code: 'LLM_CIRCUIT_OPEN', deployment: 'gpt' });
    now += 5_000;
    expect(cb.unavailable()).toBeNull();
  });
});
