/**
 * OpenAI structured outputs in strict mode accept a subset of JSON Schema: the root
 * is an object, every object closes itself (`additionalProperties: false`) and
 * requires every property (optional values are typed `[..., "null"]`). We also stay
 * inside a conservative keyword set, so a schema that works on one deployment or
 * API version works on the others.
 */
const ALLOWED_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'additionalProperties',
  'description',
]);
const JSON_TYPES: ReadonlySet<string> = new Set([
  'object',
  'array',
  'string',
  'number',
  'integer',
  'boolean',
  'null',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typesOf(node: Record<string, unknown>): string[] | null {
  const { type } = node;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.every((t): t is string => typeof t === 'string')) return type;
  return null;
}

function walk(node: unknown, path: string, out: string[]): void {
  if (!isRecord(node)) {
    out.push(`${path}: schema must be an object`);
    return;
  }
  for (const key of Object.keys(node)) {
    if (!ALLOWED_KEYWORDS.has(key)) out.push(`${path}: keyword "${key}" is not allowed`);
  }
  const types = typesOf(node);
  if (!types || types.length === 0) {
    out.push(`${path}: "type" is required`);
    return;
  }
  for (const t of types) if (!JSON_TYPES.has(t)) out.push(`${path}: unknown type "${t}"`);
  if (node.description !== undefined && typeof node.description !== 'string') {
    out.push(`${path}: description must be a string`);
  }
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0)) {
    out.push(`${path}: enum must be a non-empty array`);
  }
  if (types.includes('object')) walkObject(node, path, out);
  else if (
    node.properties !== undefined ||
    node.required !== undefined ||
    node.additionalProperties !== undefined
  ) {
    out.push(`${path}: object keywords on a non-object type`);
  }
  if (types.includes('array')) {
    if (node.items === undefined) out.push(`${path}: array needs "items"`);
    else walk(node.items, `${path}/items`, out);
  } else if (node.items !== undefined) {
    out.push(`${path}: "items" on a non-array type`);
  }
}

function walkObject(node: Record<string, unknown>, path: string, out: string[]): void {
  if (node.additionalProperties !== false) out.push(`${path}: object needs additionalProperties: false`);
  const properties = node.properties;
  if (!isRecord(properties)) {
    out.push(`${path}: object needs "properties"`);
    return;
  }
  const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
  const names = Object.keys(properties);
  for (const name of names) {
    if (!required.includes(name)) out.push(`${path}: property "${name}" must be listed in required`);
    walk(properties[name], `${path}/properties/${name}`, out);
  }
  for (const name of required) {
    if (typeof name !== 'string' || !names.includes(name))
      out.push(`${path}: required "${String(name)}" is not a property`);
  }
}

/** Every reason the schema is not usable with strict structured outputs; empty when it is. */
export function strictSchemaViolations(schema: unknown): string[] {
  const out: string[] = [];
  if (isRecord(schema) && schema.type !== 'object') out.push('#: the root must be an object');
  walk(schema, '#', out);
  return out;
}
