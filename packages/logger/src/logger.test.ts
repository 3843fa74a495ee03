import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from './logger.js';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  let buffer = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buffer += chunk.toString('utf8');
      cb();
    },
  });
  return {
    stream,
    raw: () => buffer,
    lines: () =>
      buffer
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('redacts PHI fields at the top level and one level down', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', destination: out.stream });
    logger.info(
      { name: 'Maria Lopez', patient: { dob: '1984-03-02', ssn: '123-45-6789' }, taskId: 't-1' },
      'context fetched',
    );
    expect(out.raw()).not.toMatch(/Maria|Lopez|1984-03-02|123-45-6789/);
    expect(out.lines()[0]?.taskId).toBe('t-1');
  });

  it('stamps the correlation ids of the surrounding context on every line', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', destination: out.stream });
    withLogContext({ correlationId: 'c-42', taskId: 'task-7' }, () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = out.lines();
    expect(inside?.correlationId).toBe('c-42');
    expect(inside?.taskId).toBe('task-7');
    expect(outside?.correlationId).toBeUndefined();
  });
});
