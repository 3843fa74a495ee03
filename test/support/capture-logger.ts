import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@carerelay/logger';

/** A real pino logger whose lines are kept, so tests can search what was logged. */
export function captureLogger(service: string): { logger: Logger; text: () => string } {
  let buffer = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buffer += chunk.toString('utf8');
      cb();
    },
  });
  return { logger: createLogger({ service, level: 'debug', destination: stream }), text: () => buffer };
}
