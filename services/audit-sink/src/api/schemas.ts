import { auditEventTopic } from '@carerelay/events';

/**
 * JSON Schemas of the compliance API: fastify validates every query with them (a bad value
 * is a 400 before any SQL runs) and @fastify/swagger publishes them as OpenAPI 3.
 */

/** The symbols of an enum field of audit.event.v1, read from the schema (the one source of truth). */
function auditEnum(field: string): string[] {
  const schema = auditEventTopic.schema as { fields?: { name: string; type: unknown }[] };
  const type = schema.fields?.find((f) => f.name === field)?.type as { symbols?: unknown } | undefined;
  if (!Array.isArray(type?.symbols)) throw new Error(`audit.event.v1 has no enum field ${field}`);
  return type.symbols.map(String);
}

export const AUDIT_ACTIONS = auditEnum('action');
export const AUDIT_OUTCOMES = auditEnum('outcome');

/** Identifiers as the EHRs and services write them; quotes, spaces and semicolons never are. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@|/+-]{0,255}$';

const id = (description: string) => ({ type: 'string', pattern: ID_PATTERN, description }) as const;
const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description }) as const;
const nullableString = { type: ['string', 'null'] } as const;

const tenantParam = id(
  "The tenant to read. Optional: it must equal the token's tenant_id; another tenant answers 403.",
);
const cursorParam = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{1,200}$',
  description: 'Opaque cursor from the previous page (nextCursor); omit for the first page.',
} as const;

const eventFilters = {
  tenantId: tenantParam,
  clientId: id("The EHR's client id."),
  userId: id('The acting user id (actor.userId).'),
  action: { type: 'string', enum: AUDIT_ACTIONS, description: 'audit.event.v1 action.' },
  outcome: { type: 'string', enum: AUDIT_OUTCOMES, description: 'audit.event.v1 outcome.' },
  model: id('Model provider/deployment/version.'),
  templateVersion: id('Prompt template id@version.'),
  from: dateTime('Start, inclusive (default: 30 days before `to`).'),
  to: dateTime('End, exclusive (default: now).'),
  cursor: cursorParam,
} as const;

export function searchQuerySchema(maxRangeDays: number) {
  return {
    type: 'object',
    additionalProperties: false,
    description: `Time range at most ${maxRangeDays} days.`,
    properties: {
      ...eventFilters,
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Page size.' },
    },
  } as const;
}

export function exportQuerySchema(maxRows: number) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['format'],
    properties: {
      format: { type: 'string', enum: ['csv', 'fhir'], description: 'csv (RFC 4180) or fhir (R4 Bundle).' },
      ...eventFilters,
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: maxRows,
        default: maxRows,
        description: 'Rows in this export; more are fetched with the next cursor.',
      },
    },
  } as const;
}

export const disclosuresQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId'],
  properties: {
    tenantId: tenantParam,
    clientId: id("The EHR's client id whose disclosures are accounted for."),
    from: dateTime('Start, inclusive (default: six years before `to`, 45 CFR 164.528(a)).'),
    to: dateTime('End, exclusive (default: now).'),
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000, description: 'Page size.' },
    cursor: cursorParam,
  },
} as const;

export const verifyQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tenantId: tenantParam,
    from: dateTime('Verify events from this time (default: the start of the chain).'),
    to: dateTime('Verify events before this time (default: the end of the chain, with the chain head).'),
  },
} as const;

export const metricsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tenantId: tenantParam,
    from: dateTime('Start, inclusive (default: 30 days before `to`).'),
    to: dateTime('End, exclusive (default: now).'),
    groupBy: {
      type: 'string',
      enum: ['day', 'templateVersion'],
      default: 'day',
      description: 'UTC day, or prompt template id@version (drift between versions).',
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

export const errorResponses = {
  400: { description: 'Invalid query: the message names the parameter and the rule.', ...errorSchema },
  401: { description: 'No token, or a token that is not valid.', ...errorSchema },
  403: { description: 'Not a compliance officer, or another tenant.', ...errorSchema },
  503: { description: 'Store, identity provider or audit trail unavailable; retry.', ...errorSchema },
} as const;

const rangeProperties = {
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
} as const;

export const auditRecordSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer', description: "Position in the tenant's hash chain." },
    eventId: { type: 'string' },
    occurredAt: {
      type: 'string',
      format: 'date-time',
      description: 'When CareRelay recorded the act (the store partitions and orders by it).',
    },
    ehrOccurredAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When the EHR says the act happened, when it says: an EHR-editable claim.',
    },
    tenantId: { type: 'string' },
    action: { type: 'string', enum: AUDIT_ACTIONS },
    outcome: { type: 'string', enum: AUDIT_OUTCOMES },
    actor: {
      type: 'object',
      properties: { service: { type: 'string' }, userId: nullableString, role: nullableString },
    },
    clientId: nullableString,
    purposeOfUse: nullableString,
    taskId: nullableString,
    correlationId: nullableString,
    recipient: nullableString,
    description: nullableString,
    reasonCode: nullableString,
    part2: { type: 'boolean' },
    model: nullableString,
    templateVersion: nullableString,
    useCase: nullableString,
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
    hashes: { type: 'object', additionalProperties: { type: 'string' } },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
    recordedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const eventPageSchema = {
  type: 'object',
  properties: {
    ...rangeProperties,
    events: { type: 'array', items: auditRecordSchema },
    nextCursor: { ...nullableString, description: 'Cursor of the next page; null on the last page.' },
  },
} as const;

export const disclosurePageSchema = {
  type: 'object',
  properties: {
    clientId: { type: 'string' },
    ...rangeProperties,
    disclosures: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          date: { type: 'string', format: 'date-time' },
          recipient: nullableString,
          description: nullableString,
          purposeOfUse: nullableString,
          part2: { type: 'boolean', description: '42 CFR Part 2 data was disclosed.' },
          disclosedBy: { type: 'string', description: 'CareRelay service that disclosed.' },
          eventId: { type: 'string' },
          taskId: nullableString,
          seq: { type: 'integer' },
        },
      },
    },
    part2Notice: {
      ...nullableString,
      description: '42 CFR 2.32 notice, when a Part 2 disclosure is listed.',
    },
    nextCursor: nullableString,
  },
} as const;

export const verificationSchema = {
  type: 'object',
  properties: {
    from: { type: ['string', 'null'], format: 'date-time' },
    to: { type: ['string', 'null'], format: 'date-time' },
    ok: { type: 'boolean' },
    checked: { type: 'integer', description: 'Events whose hash and link were recomputed.' },
    firstBroken: {
      type: ['object', 'null'],
      properties: {
        seq: { type: 'integer' },
        eventId: { type: 'string' },
        occurredAt: { type: 'string', format: 'date-time' },
        reason: { type: 'string', enum: ['HASH_MISMATCH', 'LINK_MISMATCH', 'SEQ_GAP', 'HEAD_MISMATCH'] },
        expectedSeq: { type: 'integer', description: 'For SEQ_GAP: the seq that should have come next.' },
      },
    },
    anchoredAt: {
      type: ['object', 'null'],
      description:
        'The retention checkpoint the check started from, when retention has dropped the beginning ' +
        'of the chain; null when it started at genesis or inside the retained range.',
      properties: {
        reason: { type: 'string', enum: ['RETENTION_CHECKPOINT'] },
        seq: { type: 'integer', description: 'Last dropped link: the check starts at seq + 1.' },
        hash: { type: 'string', description: 'Its hash, the prevHash the first retained event carries.' },
        droppedUntil: {
          type: 'string',
          format: 'date-time',
          description: 'End (exclusive) of the month retention dropped that link with.',
        },
        recordedAt: { type: 'string', format: 'date-time', description: 'When retention recorded it.' },
      },
    },
  },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;

export const metricsSchema = {
  type: 'object',
  properties: {
    ...rangeProperties,
    groupBy: { type: 'string', enum: ['day', 'templateVersion'] },
    acceptanceMaxEditDistance: { type: 'number' },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: nullableString,
          drafts: {
            type: 'object',
            properties: {
              total: { type: 'integer' },
              byUseCase: { type: 'object', additionalProperties: { type: 'integer' } },
            },
          },
          reviews: {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              accepted: { type: 'integer' },
              acceptanceRate: nullableNumber,
              meanNormalizedEditDistance: nullableNumber,
            },
          },
          llmCalls: {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              failed: { type: 'integer' },
              latencyMsMean: nullableNumber,
              latencyMsP95: nullableNumber,
              promptTokens: { type: 'number' },
              completionTokens: { type: 'number' },
            },
          },
          leakBlocks: { type: 'integer' },
          policyDenials: { type: 'integer' },
        },
      },
    },
  },
} as const;
