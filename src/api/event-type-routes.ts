import type { FastifyInstance } from 'fastify';
import { catalogEntry, EVENT_CATALOG, type EventTypeEntry } from '../outbox/event-catalog/index.js';
import { EVENT_TYPES, isEventType } from '../outbox/event-types.js';
import { ApiError } from './errors.js';
import { envelope, noQuery, responses } from './schemas.js';

const eventType = {
  type: 'object',
  required: ['type', 'domain', 'description', 'source', 'payload_schema', 'sample'],
  properties: {
    type: { type: 'string', enum: [...EVENT_TYPES] },
    domain: { type: 'string' },
    description: { type: 'string' },
    source: { type: 'string', description: 'The CRM table or view it is captured from' },
    payload_schema: {
      type: 'object',
      additionalProperties: true,
      description: "JSON Schema (2020-12) of the envelope's payload; also components/schemas/<Name>Payload here",
    },
    sample: envelope,
  },
} as const;

function view(entry: EventTypeEntry): Record<string, unknown> {
  return {
    type: entry.type,
    domain: entry.domain,
    description: entry.description,
    source: entry.source,
    payload_schema: entry.payloadSchema,
    sample: entry.sample,
  };
}

/**
 * The event catalog (Svix's and Hook0's event types): public like the OpenAPI document, since it
 * says only what the service can send, nothing about what it has sent.
 */
export async function registerEventTypeRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/event-types',
    {
      schema: {
        tags: ['events'],
        summary: 'Every event type, with its payload schema and a sample envelope',
        description: 'No key needed. POST /webhooks/subscriptions/{id}/test sends the sample of the subscription type.',
        querystring: noQuery,
        response: responses(
          {
            200: {
              description: 'The catalog, in a stable order',
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: eventType } },
            },
          },
          [400],
        ),
      },
    },
    async () => ({ data: EVENT_CATALOG.map(view) }),
  );

  app.get<{ Params: { type: string } }>(
    '/api/v1/event-types/:type',
    {
      schema: {
        tags: ['events'],
        summary: 'One event type',
        description: 'No key needed. The type is case-insensitive.',
        params: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 100 } } },
        querystring: noQuery,
        response: responses({ 200: { description: 'The event type', ...eventType } }, [400, 404]),
      },
    },
    async (request) => {
      const type = request.params.type.toLowerCase();
      if (!isEventType(type)) {
        throw new ApiError(404, 'not_found', `no event type ${request.params.type}; valid types are ${EVENT_TYPES.join(', ')}`, {
          valid_types: EVENT_TYPES,
        });
      }
      return view(catalogEntry(type));
    },
  );
}
