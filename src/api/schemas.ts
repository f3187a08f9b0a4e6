import { SUBSCRIPTION_TEXT_LIMITS } from '../delivery/subscription-limits.js';
import { errorSchema } from './errors.js';

/**
 * JSON schemas of every request and response. Fastify validates requests against them and
 * serialises responses with them; @fastify/swagger builds the OpenAPI document from the same
 * objects, so the document cannot drift from what the API does.
 */
const errorBody = { ...errorSchema, $id: undefined } as Record<string, unknown>;
delete errorBody['$id'];

export function responses(ok: Record<number, unknown>, errors: readonly number[]): Record<number | string, unknown> {
  const out: Record<number | string, unknown> = { ...ok };
  for (const code of errors) out[code] = { description: ERROR_TEXT[code] ?? 'error', ...errorBody };
  return out;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (the body names the field)',
  401: 'Missing or invalid API key',
  403: 'The API key lacks the scope',
  404: 'Not found',
  409: 'Conflict with the current state (the body says which)',
  413: 'Body over 1 MiB',
  415: 'Body is not JSON',
  429: 'Rate limited (see Retry-After and RateLimit-* headers)',
  503: 'Not ready',
};

export const AUTH_ERRORS = [401, 403, 429] as const;

export const envelope = {
  type: 'object',
  required: ['id', 'type', 'createdUtc', 'companyId', 'payload', 'metadata'],
  properties: {
    id: { type: 'integer', description: 'Unique event id; use it to deduplicate (negative for the test events of POST .../test)' },
    type: { type: 'string', example: 'client.created' },
    createdUtc: { type: 'string', format: 'date-time' },
    companyId: { type: 'integer' },
    payload: { type: 'object', additionalProperties: true },
    metadata: { type: 'object', additionalProperties: true },
  },
} as const;

const idParam = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } },
} as const;

export const idParams = idParam;

/** For routes without parameters: an unknown one is a 400, like an unknown body field. */
export const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

const cursor = { type: 'string', maxLength: 400, description: 'Opaque: the next_cursor of the previous page' } as const;

export const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', maxLength: 2000, description: 'Comma-separated event types, case-insensitive' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    cursor,
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc', description: 'desc: newest first (sample lists)' },
    wait: {
      type: 'integer',
      minimum: 0,
      maximum: 30,
      default: 0,
      description:
        'Long poll: when no event is past the cursor, hold the request up to this many seconds until one is, then answer as usual (an empty page with the same cursor when the time is up). order=asc only.',
    },
  },
} as const;

export const eventsPage = {
  type: 'object',
  required: ['data', 'next_cursor'],
  properties: {
    data: { type: 'array', items: envelope },
    next_cursor: { type: 'string', description: 'Send as cursor to get the next page; also in X-Paging-Cursor' },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, cursor },
} as const;

const eventTypes = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: { type: 'string', minLength: 1, maxLength: 100 },
  description: "Catalog types, or '*' / 'client.*'; case-insensitive, stored lowercase",
} as const;

const url = {
  type: 'string',
  minLength: 1,
  maxLength: SUBSCRIPTION_TEXT_LIMITS.url,
  description: `Absolute URL; https in production; at most ${SUBSCRIPTION_TEXT_LIMITS.url} UTF-16 code units`,
} as const;
const description = {
  type: ['string', 'null'],
  maxLength: SUBSCRIPTION_TEXT_LIMITS.description,
  description: `At most ${SUBSCRIPTION_TEXT_LIMITS.description} UTF-16 code units (an emoji counts as two)`,
} as const;

export const createSubscriptionBody = {
  type: 'object',
  required: ['url', 'event_types'],
  additionalProperties: false,
  properties: {
    url,
    event_types: eventTypes,
    secret: {
      type: 'string',
      minLength: 16,
      maxLength: 200,
      description: 'Signing secret, whsec_ + base64 of at least 24 random bytes; generated when absent',
    },
    description,
    enabled: { type: 'boolean', default: true },
  },
} as const;

export const patchSubscriptionBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    url,
    event_types: eventTypes,
    description,
    enabled: { type: 'boolean' },
    rotate_secret: { type: 'boolean', description: 'true: issue a new secret (returned once); the old one is honoured for 24 h' },
  },
} as const;

export const subscription = {
  type: 'object',
  required: ['id', 'url', 'event_types', 'description', 'enabled', 'disabled_reason', 'created_utc', 'updated_utc'],
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    event_types: { type: 'array', items: { type: 'string' } },
    description: { type: ['string', 'null'] },
    enabled: { type: 'boolean' },
    disabled_reason: { type: ['string', 'null'] },
    created_utc: { type: 'string', format: 'date-time' },
    updated_utc: { type: 'string', format: 'date-time' },
    secret: { type: 'string', description: 'Only when created or rotated: shown once' },
  },
} as const;

export const subscriptionPage = {
  type: 'object',
  required: ['data', 'next_cursor'],
  properties: { data: { type: 'array', items: subscription }, next_cursor: { type: ['string', 'null'] } },
} as const;

export const delivery = {
  type: 'object',
  required: [
    'id',
    'event_id',
    'event_type',
    'subscription_id',
    'status',
    'attempt_count',
    'next_attempt_utc',
    'last_http_status',
    'last_error',
    'created_utc',
    'completed_utc',
  ],
  properties: {
    id: { type: 'integer' },
    event_id: { type: 'integer' },
    event_type: { type: 'string' },
    subscription_id: { type: 'integer' },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'cancelled'] },
    attempt_count: { type: 'integer' },
    next_attempt_utc: { type: 'string', format: 'date-time' },
    last_http_status: { type: ['integer', 'null'] },
    last_error: { type: ['string', 'null'] },
    created_utc: { type: 'string', format: 'date-time' },
    completed_utc: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const deliveryPage = {
  type: 'object',
  required: ['data', 'next_cursor'],
  properties: { data: { type: 'array', items: delivery }, next_cursor: { type: ['string', 'null'] } },
} as const;

export const attempt = {
  type: 'object',
  required: ['id', 'delivery_id', 'attempt_number', 'http_status', 'error_class', 'response_body', 'elapsed_ms', 'attempted_utc'],
  properties: {
    id: { type: 'integer' },
    delivery_id: { type: 'integer' },
    attempt_number: { type: 'integer' },
    http_status: { type: ['integer', 'null'] },
    error_class: { type: ['string', 'null'] },
    response_body: { type: ['string', 'null'] },
    elapsed_ms: { type: 'integer' },
    attempted_utc: { type: 'string', format: 'date-time' },
  },
} as const;

export const attemptList = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: attempt } },
} as const;

export const testResult = {
  type: 'object',
  required: ['sent', 'http_status', 'error', 'event'],
  properties: {
    sent: { type: 'boolean' },
    http_status: { type: ['integer', 'null'] },
    error: { type: ['string', 'null'] },
    event: envelope,
  },
} as const;

type OpenApiDoc = {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
};

/**
 * Routes declare the error body inline (Fastify serialises with it); the published document
 * names it once, as components.schemas.Error, and every 4xx/5xx refers to it.
 */
export function shareErrorSchema<T>(document: T): T {
  const doc = document as OpenApiDoc;
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) json.schema = { $ref: '#/components/schemas/Error' };
      }
    }
  }
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: errorBody } };
  return document;
}
