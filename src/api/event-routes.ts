import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Database } from '../db/connect.js';
import { ENVELOPE_COLUMNS, toEnvelope } from '../outbox/envelope.js';
import { EVENT_TYPES, isEventType } from '../outbox/event-types.js';
import type { OutboxPosition } from '../db/ports/api.js';
import { decodeEventCursor, encodeEventCursor } from './cursor.js';
import type { EventWatch } from './event-watch.js';
import { ApiError } from './errors.js';
import { AUTH_ERRORS, envelope, eventsPage, eventsQuery, idParams, noQuery, responses } from './schemas.js';

interface EventsQuery {
  type?: string;
  limit: number;
  cursor?: string;
  order: 'asc' | 'desc';
  wait: number;
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

export async function registerEventRoutes(app: FastifyInstance, store: Database, watch: EventWatch): Promise<void> {
  const api = store.dialect.api;

  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      config: { scope: 'events:read', bucket: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Poll events in commit order',
        description:
          'Events in the order their transactions committed; the cursor never skips an event. An empty page still returns a cursor to poll again with. order=desc lists the newest first (trigger sample lists). wait=N (seconds, at most 30) long-polls: an empty page is held until an event past the cursor is visible or the time is up. Scope events:read.',
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
      const { wait, order, limit } = request.query;
      if (wait > 0 && order !== 'asc') {
        throw new ApiError(
          400,
          'invalid_request',
          'querystring.wait applies to order=asc only: a list of the newest events does not wait',
          {
            field: 'querystring.wait',
          },
        );
      }
      const after: OutboxPosition =
        request.query.cursor === undefined ? { key: null, eventId: 0 } : decodeEventCursor(request.query.cursor, (k) => api.isValidKey(k));
      const rows = await longPoll(wait * 1000, reply, types, watch, () => api.pageEvents(store.db, { after, types, limit, order }));
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

/**
 * Reads a page; when it is empty and the caller asked to wait, waits (holding no connection) for
 * the watch to see an event of the caller's types, then reads again, until the page has events,
 * the time is up or the client has gone. The page is always read the same way, so the cursor
 * rules do not change.
 */
async function longPoll<T>(
  waitMs: number,
  reply: FastifyReply,
  types: readonly string[],
  watch: EventWatch,
  read: () => Promise<T[]>,
): Promise<T[]> {
  if (waitMs <= 0) return read();
  const deadline = performance.now() + waitMs;
  const gone = new AbortController();
  const onClose = () => gone.abort();
  reply.raw.once('close', onClose);
  // Joined before the first read: an event that becomes visible after it still wakes this poller.
  const waiter = await watch.register(types);
  try {
    for (;;) {
      const rows = await read();
      const left = deadline - performance.now();
      if (watch.closed) {
        // The server is stopping: without this the idle keep-alive socket would hold its close.
        reply.header('connection', 'close');
        return rows;
      }
      if (rows.length > 0 || left <= 0 || gone.signal.aborted) return rows;
      await waiter.next(left, gone.signal);
      if (gone.signal.aborted) return [];
    }
  } finally {
    waiter.release();
    reply.raw.off('close', onClose);
  }
}
