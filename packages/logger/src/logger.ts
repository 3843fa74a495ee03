import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * The one list of field names that may hold PHI. pino removes them wherever they
 * appear (top level or one level down, e.g. `{ patient: { name } }`). Logs carry
 * ids and hashes, never clinical text (STYLE.md rule 9); this list is the net
 * under that rule, not a licence to log objects carelessly.
 */
const PHI_FIELDS = [
  'name',
  'givenName',
  'familyName',
  'firstName',
  'lastName',
  'fullName',
  'dob',
  'birthDate',
  'dateOfBirth',
  'ssn',
  'mrn',
  'phone',
  'fax',
  'email',
  'address',
  'street',
  'city',
  'zip',
  'postalCode',
  'text',
  'note',
  'notes',
  'content',
  'context',
  'body',
  'payload',
  'value',
  'prompt',
  'completion',
  'messages',
  'transcript',
  'narrative',
  'plaintext',
  'authorization',
  'apiKey',
  'password',
  'secret',
  'token',
] as const;

export const PHI_REDACT_PATHS: readonly string[] = [
  ...PHI_FIELDS,
  ...PHI_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'req.body',
  'res.body',
];

export interface LogContext {
  readonly correlationId?: string;
  readonly taskId?: string;
  readonly tenantId?: string;
}

const contextStore = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with ids that every log line written inside it will carry. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return contextStore.run({ ...contextStore.getStore(), ...context }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return contextStore.getStore();
}

export interface CreateLoggerOptions {
  readonly service: string;
  readonly level?: string;
  /** For tests and benchmarks: where lines go instead of stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: options.service },
      redact: { paths: [...PHI_REDACT_PATHS], censor: '[REDACTED]' },
      mixin: () => ({ ...contextStore.getStore() }),
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
