export { createLogger, PHI_REDACT_PATHS, withLogContext, currentLogContext } from './logger.js';
export type { Logger, LogContext, CreateLoggerOptions } from './logger.js';
