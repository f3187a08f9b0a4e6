import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.js';
import { ENVELOPE_COLUMNS, toEnvelope } from '../outbox/envelope.js';
import { EVENT_TYPES, isEventType } from '../outbox/event-types.js';
import type { OutboxPosition } from './api-dialect.js';
import { decodeEventCursor, encodeEventCursor } from './cursor.js';
import { ApiError } from './errors.js';
import { AUTH_ERRORS, envelope, eventsPage, eventsQuery, idParams, noQuery, responses } from './schemas.js';

interface EventsQuery {
  type?: string;
  limit: number;
  cursor?: string;
  order: 'asc' | 'desc';
}

/** Splits `type=a,B` into lowercase catalog types; an unknown one is a 400 listing the valid ones. */
export function parseTypes(text: string | undefined, field = 'querystring.type'): string[] {
  if (text === undefined) return [];
  const types = [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw new ApiError(400, 'unknown_event_type', `unknown event type ${unknown.join(', ')}; valid types are ${EVENT_TYPES.join(', ')}`, {
      field,
      unknown,
      valid_types: EVENT_TYPES,
    });
  }
  return types;
}

export async function registerEventRoutes(app: FastifyInstance, store: Database): Promise<void> {
  const api = store.dialect.api;

  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      config: { scope: 'events:read', bucket: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Poll events in commit order',
        description:
          'Events in the order their transactions committed; the cursor never skips an event. An empty page still returns a cursor to poll again with. order=desc lists the newest first (trigger sample lists). Scope events:read.',
        security: [{ bearerAuth: [] }],
        querystring: eventsQuery,
        response: responses(
          {
            200: {
              description: 'A page of events; X-Paging-Cursor carries next_cursor',
              headers: { 'X-Paging-Cursor': { type: 'string' } },
              ...eventsPage,
            },
          },
          [400, ...AUTH_ERRORS],
        ),
      },
    },
    async (request, reply) => {
      const types = parseTypes(request.query.type);
      const after: OutboxPosition =
        request.query.cursor === undefined ? { key: null, eventId: 0 } : decodeEventCursor(request.query.cursor, (k) => api.isValidKey(k));
      const rows = await api.pageEvents(store.db, { after, types, limit: request.query.limit, order: request.query.order });
      const last = rows.at(-1);
      const next = last === undefined ? after : { key: last.Position, eventId: Number(last.EventId) };
      const cursor = encodeEventCursor(next);
      reply.header('X-Paging-Cursor', cursor);
      return { data: rows.map(toEnvelope), next_cursor: cursor };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/events/:id',
    {
      config: { scope: 'events:read', bucket: 'read' },
      schema: {
        tags: ['events'],
        summary: 'One event by id',
        description: 'Scope events:read.',
        security: [{ bearerAuth: [] }],
        params: idParams,
        querystring: noQuery,
        response: responses({ 200: { description: 'The event envelope', ...envelope } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      const row = await store.db
        .selectFrom('integration.OutboxEvent')
        .select(ENVELOPE_COLUMNS)
        .where('EventId', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new ApiError(404, 'not_found', `no event ${request.params.id}`);
      return toEnvelope(row);
    },
  );
}
