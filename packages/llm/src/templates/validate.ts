import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { CareRelayError } from '@carerelay/errors';
import type { OutputValidation, PromptTemplate } from './types.js';
import { TOKEN_LABELS } from '@carerelay/phi';

// Strict mode catches schema typos at load time; union types are how strict
// structured outputs express an optional value (["string", "null"]).
const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** The compiled validator of an output schema, cached per schema object. */
export function outputValidator(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (cause) {
    throw new CareRelayError('TEMPLATE_INVALID', 'Output schema does not compile', { cause });
  }
  compiled.set(schema, validate);
  return validate;
}

// Messages name the path and the rule, never the value: they go to logs and DLQ headers.
function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties')
    return `${at}: unexpected property "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${at}: missing property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum')
    return `${at}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
  return `${at}: ${error.message ?? error.keyword}`;
}

export function validateOutput(
  template: Pick<PromptTemplate, 'outputSchema'>,
  content: string,
): OutputValidation {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    // JSON.parse's own message quotes the content; keep it out of errors.
    return { ok: false, errors: ['content is not valid JSON'] };
  }
  const validate = outputValidator(template.outputSchema.schema);
  if (validate(value)) return { ok: true, value };
  return { ok: false, errors: (validate.errors ?? []).map(describe) };
}

/** The de-identifier's token labels ([CLIENT], [PERSON_2]...): one definition, in @carerelay/phi. */
export { TOKEN_LABELS };

const BRACKETED = /\[([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\]/g;

function isToken(label: string): boolean {
  return TOKEN_LABELS.has(label.replace(/_\d+$/, ''));
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) collectStrings(item, out);
}

/**
 * The placeholders a draft left for the clinician ([INTERVENTION_DETAIL]...), sorted
 * and unique. Identifier tokens ([CLIENT], [PERSON_2]) are not placeholders:
 * re-identification fills those.
 */
export function placeholdersIn(value: unknown): string[] {
  const strings: string[] = [];
  collectStrings(value, strings);
  const found = new Set<string>();
  for (const text of strings) {
    for (const match of text.matchAll(BRACKETED)) {
      const label = match[1] ?? '';
      if (!isToken(label)) found.add(`[${label}]`);
    }
  }
  return [...found].sort();
}
