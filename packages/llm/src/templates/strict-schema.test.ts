import { describe, expect, it } from 'vitest';
import { templateFor } from './registry.js';
import { strictSchemaViolations } from './strict-schema.js';
import { DRAFT_USE_CASES } from './types.js';

const closed = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

describe('strict structured-outputs schemas', () => {
  it.each(DRAFT_USE_CASES)('the %s output schema is strict-mode compatible', (useCase) => {
    expect(strictSchemaViolations(templateFor(useCase).outputSchema.schema)).toEqual([]);
  });

  it.each(DRAFT_USE_CASES)('the %s output schema labels who wrote the draft', (useCase) => {
    const { properties } = templateFor(useCase).outputSchema.schema as {
      properties: Record<string, { enum?: unknown }>;
    };
    expect(properties.draftLabel?.enum).toEqual(['AI-Assisted Draft', 'Template draft: not AI-generated']);
  });

  it('accepts optional values typed as string or null', () => {
    expect(strictSchemaViolations(closed({ riskStatement: { type: ['string', 'null'] } }))).toEqual([]);
  });

  it('requires additionalProperties: false on nested objects too', () => {
    const schema = closed({
      goals: { type: 'array', items: { type: 'object', properties: {}, required: [] } },
    });
    expect(strictSchemaViolations(schema)).toEqual([
      '#/properties/goals/items: object needs additionalProperties: false',
    ]);
  });

  it('requires every property to be listed in required', () => {
    const schema = { ...closed({ a: { type: 'string' }, b: { type: 'string' } }), required: ['a'] };
    expect(strictSchemaViolations(schema)).toEqual(['#: property "b" must be listed in required']);
  });

  it.each(['format', 'minLength', 'pattern', '$ref', 'oneOf', 'default'])(
    'rejects the %s keyword',
    (keyword) => {
      const schema = closed({ a: { type: 'string', [keyword]: 'x' } });
      expect(strictSchemaViolations(schema)).toEqual([`#/properties/a: keyword "${keyword}" is not allowed`]);
    },
  );

  it('requires an object at the root and items on arrays', () => {
    expect(strictSchemaViolations({ type: 'array' })).toEqual([
      '#: the root must be an object',
      '#: array needs "items"',
    ]);
  });
});
