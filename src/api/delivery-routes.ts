import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.js';
import type { DeliveryStatus } from '../db/store-tables.js';
import { RecoverError, redelivery } from '../delivery/redelivery.js';
import { parseUtcInstant, UTC_INSTANT_FORMS } from '../outbox/utc-instant.js';
import { decodeIdCursor, encodeIdCursor } from './cursor.js';
import { type DeliveryFilter, getDelivery, listDeliveries } from '../delivery/delivery-log.js';
import { ApiError } from './errors.js';
import { parseTypes } from './event-routes.js';
import type { VerifiedKey } from './api-keys.js';
import { hasScope } from './auth.js';
import { AUTH_ERRORS, delivery, deliveryPage, idParams, noQuery, responses } from './schemas.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'cancelled'];

interface LogQuery {
  subscription_id?: number;
  status?: string;
  http_status?: number;
  event_type?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

const logQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subscription_id: { type: 'integer', minimum: 1, maximum: 9007199254740991 },
    status: { type: 'string', maxLength: 100, description: `Outcome, comma-separated: ${STATUSES.join(', ')}` },
    http_status: { type: 'integer', minimum: 100, maximum: 599, description: "The last attempt's HTTP status" },
    event_type: { type: 'string', maxLength: 2000, description: 'Event types, comma-separated, case-insensitive' },
    since: { type: 'string', maxLength: 40, description: `Queued at or after: ${UTC_INSTANT_FORMS}` },
    until: { type: 'string', maxLength: 40, description: `Queued before: ${UTC_INSTANT_FORMS}` },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    cursor: { type: 'string', maxLength: 400, description: 'Opaque: the next_cursor of the previous page' },
  },
} as const;

const recoverBody = {
  type: 'object',
  required: ['since'],
  additionalProperties: false,
  properties: { since: { type: 'string', maxLength: 40, description: `Events created at or after: ${UTC_INSTANT_FORMS}` } },
} as const;

const recoverResult = {
  type: 'object',
  required: ['requeued', 'queued'],
  properties: {
    requeued: { type: 'integer', description: 'Failed or cancelled deliveries queued again' },
    queued: { type: 'integer', description: 'Events of its types it never had, queued now' },
  },
} as const;

function instant(text: string | undefined, field: string): Date | undefined {
  if (text === undefined) return undefined;
  const at = parseUtcInstant(text);
  if (!at) throw new ApiError(400, 'invalid_request', `${field} must be ${UTC_INSTANT_FORMS}`, [{ field, message: 'is not a time' }]);
  return at;
}

function statuses(text: string | undefined): DeliveryStatus[] | undefined {
  if (text === undefined) return undefined;
  const items = [...new Set(text.split(',').map((s) => s.trim().toLowerCase()))].filter(Boolean);
  const bad = items.filter((s) => !STATUSES.includes(s as DeliveryStatus));
  if (items.length === 0 || bad.length > 0) {
    throw new ApiError(400, 'invalid_request', `querystring.status must be a comma-separated list of ${STATUSES.join(', ')}`, [
      { field: 'querystring.status', message: `unknown: ${bad.join(', ') || '(empty)'}` },
    ]);
  }
  return items as DeliveryStatus[];
}

function filterOf(query: LogQuery): DeliveryFilter {
  const eventTypes = parseTypes(query.event_type, 'querystring.event_type');
  const since = instant(query.since, 'querystring.since');
  const until = instant(query.until, 'querystring.until');
  const outcome = statuses(query.status);
  return {
    ...(query.subscription_id === undefined ? {} : { subscriptionId: query.subscription_id }),
    ...(outcome === undefined ? {} : { statuses: outcome }),
    ...(query.http_status === undefined ? {} : { httpStatus: query.http_status }),
    ...(eventTypes.length === 0 ? {} : { eventTypes }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

const asApiError = (error: unknown): never => {
  if (error instanceof RecoverError) throw new ApiError(error.kind === 'not_found' ? 404 : 409, error.kind, error.message);
  throw error;
};

/**
 * A key sees the deliveries of the subscriptions it created, an admin key all of them; others'
 * answer 404 like ids that do not exist (the subscription routes' rule).
 */
function ownerFilter(key: VerifiedKey | undefined): DeliveryFilter {
  return key !== undefined && hasScope(key, 'admin') ? {} : { ownerKeyId: key?.id ?? -1 };
}

async function mustOwnSubscription(store: Database, id: number, key: VerifiedKey | undefined): Promise<void> {
  const found = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select('OwnerKeyId')
    .where('SubscriptionId', '=', id)
    .executeTakeFirst();
  const owner = ownerFilter(key).ownerKeyId;
  if (!found || (owner !== undefined && found.OwnerKeyId !== owner)) throw new ApiError(404, 'not_found', `no subscription ${id}`);
}

const secured = { security: [{ bearerAuth: [] }], tags: ['deliveries'] };

/** The delivery log across subscriptions, and resend/recover (the same service as the CLI's). */
export async function registerDeliveryRoutes(app: FastifyInstance, store: Database): Promise<void> {
  const service = redelivery(store);

  app.get<{ Querystring: LogQuery }>(
    '/api/v1/deliveries',
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: 'The delivery log, newest first, filtered by subscription, outcome, HTTP status, event type and time',
        description:
          "Every filter is optional; together they all apply. A key sees the deliveries of the subscriptions it created; an admin key all. The time is when the delivery was queued; http_status is its last attempt's. Scope integrations:read.",
        querystring: logQuery,
        response: responses({ 200: { description: 'A page of deliveries', ...deliveryPage } }, [400, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      const filter = { ...filterOf(request.query), ...ownerFilter(request.apiKey) };
      const before = request.query.cursor === undefined ? 0 : decodeIdCursor(request.query.cursor);
      const rows = await listDeliveries(store, filter, before, request.query.limit + 1);
      const page = rows.slice(0, request.query.limit);
      return { data: page, next_cursor: rows.length > request.query.limit ? encodeIdCursor((page.at(-1) as { id: number }).id) : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/deliveries/:id',
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: 'One delivery',
        description: 'Scope integrations:read.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 200: { description: 'The delivery', ...delivery } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      const found = await getDelivery(store, request.params.id, ownerFilter(request.apiKey));
      if (!found) throw new ApiError(404, 'not_found', `no delivery ${request.params.id}`);
      return found;
    },
  );

  app.post<{ Params: { id: number } }>(
    '/api/v1/deliveries/:id/resend',
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        summary: 'Send a delivery again now, whatever its state, with a fresh series of retries',
        description:
          'The same as `outbox deliveries resend`. 409 when its subscription is disabled (enable it first). Scope integrations:write.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 202: { description: 'Queued: the delivery as it is now', ...delivery } }, [400, 404, 409, ...AUTH_ERRORS]),
      },
    },
    async (request, reply) => {
      if (!(await getDelivery(store, request.params.id, ownerFilter(request.apiKey)))) {
        throw new ApiError(404, 'not_found', `no delivery ${request.params.id}`);
      }
      const view = await service.resend(request.params.id).catch(asApiError);
      reply.code(202);
      return view;
    },
  );

  app.post<{ Params: { id: number }; Body: { since: string } }>(
    '/api/v1/webhooks/subscriptions/:id/recover',
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        tags: ['webhooks'],
        summary: 'Send a subscription what it missed since a time',
        description:
          'Re-queues its failed and cancelled deliveries of events since `since`, and queues the events of its types it never had (created before it subscribed or while it was disabled). The same as `outbox deliveries recover`. 409 when it is disabled. Scope integrations:write.',
        params: idParams,
        querystring: noQuery,
        body: recoverBody,
        response: responses({ 202: { description: 'What was queued', ...recoverResult } }, [400, 404, 409, 413, 415, ...AUTH_ERRORS]),
      },
    },
    async (request, reply) => {
      const since = instant(request.body.since, 'body.since') as Date;
      await mustOwnSubscription(store, request.params.id, request.apiKey);
      const result = await service.recover(request.params.id, since).catch(asApiError);
      reply.code(202);
      return { requeued: result.requeued, queued: result.fannedOut };
    },
  );
}
