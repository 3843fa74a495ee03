import { CareRelayError } from '@carerelay/errors';

/** The body of every error answer: a stable code and a message a person can act on. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * Errors whose message was written for the API's callers. Any other error (a store error
 * wrapping a pg message, a bug) is answered with a generic sentence and logged.
 */
const PUBLIC_ERRORS = new WeakSet<CareRelayError>();

function publicError(code: string, message: string, httpStatus: number, cause?: unknown): CareRelayError {
  const error = new CareRelayError(code, message, {
    httpStatus,
    retryable: httpStatus === 503,
    ...(cause === undefined ? {} : { cause }),
  });
  PUBLIC_ERRORS.add(error);
  return error;
}

export function isPublicError(error: unknown): error is CareRelayError {
  return error instanceof CareRelayError && PUBLIC_ERRORS.has(error);
}

export function badRequest(code: string, message: string): CareRelayError {
  return publicError(code, message, 400);
}

export function unauthorized(code: string, message: string, cause?: unknown): CareRelayError {
  return publicError(code, message, 401, cause);
}

export function forbidden(code: string, message: string): CareRelayError {
  return publicError(code, message, 403);
}

export function unavailable(code: string, message: string, cause?: unknown): CareRelayError {
  return publicError(code, message, 503, cause);
}

/** One ajv error as fastify hands it over (only the fields the message uses). */
interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** A parameter or property name as it may be echoed: printable and short, never a value. */
function safeName(name: unknown): string {
  return String(name)
    .replace(/[^A-Za-z0-9_.-]/g, '?')
    .slice(0, 64);
}

/**
 * Turns the first schema violation into a sentence naming the parameter and the rule it
 * broke. Values are never echoed: a filter may hold an identifier.
 */
export function validationMessage(context: string | undefined, issues: readonly ValidationIssue[]): string {
  const where = context === 'params' ? 'path parameter' : 'query parameter';
  const issue = issues[0];
  if (!issue) return 'request is not valid';
  const name = safeName(issue.instancePath.replace(/^\//, '').replace(/\//g, '.'));
  switch (issue.keyword) {
    case 'additionalProperties':
      return `unknown ${where} "${safeName(issue.params['additionalProperty'])}"`;
    case 'required':
      return `${where} "${safeName(issue.params['missingProperty'])}" is required`;
    case 'format':
      return issue.params['format'] === 'date-time'
        ? `${where} "${name}" must be an ISO 8601 date-time with an offset, e.g. 2025-01-31T00:00:00Z`
        : `${where} "${name}" is not a valid ${safeName(issue.params['format'])}`;
    case 'pattern':
      return `${where} "${name}" has characters or a length that are not allowed`;
    case 'type':
      return `${where} "${name}" must be a single ${safeName(issue.params['type'])}`;
    case 'enum':
      return `${where} "${name}" must be one of: ${(issue.params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    default:
      // ajv's own sentences for type, minimum, maximum, minLength...: they name the rule, never the value.
      return `${where} "${name}" ${issue.message ?? 'is not valid'}`;
  }
}
