import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.js';
import { EVENT_TYPES, isValidPattern } from '../outbox/event-types.js';
import { decodeIdCursor, encodeIdCursor } from './cursor.js';
import type { VerifiedKey } from './api-keys.js';
import { hasScope } from './auth.js';
import { deliverySubscriptionId, listAttempts, listDeliveries } from '../delivery/delivery-log.js';
import { ApiError } from './errors.js';
import {
  attemptList,
  noQuery,
  AUTH_ERRORS,
  createSubscriptionBody,
  deliveryPage,
  idParams,
  listQuery,
  patchSubscriptionBody,
  responses,
  subscription as subscriptionSchema,
  subscriptionPage,
  testResult,
} from './schemas.js';
import type { Subscription, SubscriptionServices } from '../delivery/subscription-service.js';
import { subscriptionView } from './subscription-view.js';
import { refuseLongerThanStored, refuseUnstorableText } from './text-fields.js';
import { SUBSCRIPTION_TEXT_LIMITS } from '../delivery/subscription-limits.js';
import { secretProblem } from '../delivery/signing.js';

const BASE = '/api/v1/webhooks/subscriptions';

interface CreateBody {
  url: string;
  event_types: string[];
  secret?: string;
  description?: string | null;
  enabled?: boolean;
}

interface PatchBody {
  url?: string;
  event_types?: string[];
  description?: string | null;
  enabled?: boolean;
  rotate_secret?: boolean;
}

interface ListQuery {
  limit: number;
  cursor?: string;
}

/** Lowercase, deduplicated, each a catalog type or pattern. */
export function normaliseTypes(types: readonly string[]): string[] {
  const normal = [...new Set(types.map((t) => t.trim().toLowerCase()))];
  const bad = normal.filter((t) => !isValidPattern(t));
  if (bad.length > 0) {
    throw new ApiError(
      400,
      'unknown_event_type',
      `unknown event type ${bad.join(', ')}; valid types are ${EVENT_TYPES.join(', ')} (or '*', 'domain.*')`,
      {
        field: 'body.event_types',
        unknown: bad,
        valid_types: EVENT_TYPES,
      },
    );
  }
  return normal;
}

const secured = { security: [{ bearerAuth: [] }], tags: ['webhooks'] };

/** Whether the key may see and change the subscription: its creator, or any admin key. */
function owns(key: VerifiedKey | undefined, subscription: Subscription): boolean {
  return key !== undefined && (hasScope(key, 'admin') || subscription.ownerKeyId === key.id);
}

/** Subscribing hands over events as they happen: a key that may not read events may not subscribe. */
function mustReadEvents(key: VerifiedKey): void {
  if (hasScope(key, 'events:read')) return;
  throw new ApiError(403, 'forbidden', 'subscribing to events needs the scope events:read too', {
    required_scope: 'events:read',
    key_scopes: key.scopes,
  });
}

export async function registerSubscriptionRoutes(app: FastifyInstance, store: Database, services: SubscriptionServices): Promise<void> {
  const checkUrl = async (url: string) => {
    const verdict = await services.urlGuard.check(url);
    if (!verdict.ok) throw new ApiError(400, 'invalid_url', `body.url ${verdict.reason}`, { field: 'body.url', reason: verdict.reason });
  };
  // A subscription belongs to the key that created it: another key without admin gets the same
  // 404 as for an id that does not exist, so ids of others' subscriptions cannot be probed.
  const mustGet = async (id: number, key: VerifiedKey | undefined) => {
    const found = await services.store.get(id);
    if (!found || !owns(key, found)) throw new ApiError(404, 'not_found', `no subscription ${id}`);
    return found;
  };

  app.post<{ Body: CreateBody }>(
    BASE,
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        summary: 'Subscribe a URL to event types (REST Hooks subscribe)',
        description:
          'Returns the id to keep for the unsubscribe and the signing secret, shown in full only here. Scope integrations:write.',
        querystring: noQuery,
        body: createSubscriptionBody,
        response: responses({ 201: { description: 'Created', ...subscriptionSchema } }, [400, 413, 415, ...AUTH_ERRORS]),
      },
    },
    async (request, reply) => {
      const key = request.apiKey as VerifiedKey;
      mustReadEvents(key);
      refuseUnstorableText('body.url', request.body.url);
      refuseUnstorableText('body.description', request.body.description);
      refuseLongerThanStored('body.url', request.body.url, SUBSCRIPTION_TEXT_LIMITS.url);
      refuseLongerThanStored('body.description', request.body.description, SUBSCRIPTION_TEXT_LIMITS.description);
      const eventTypes = normaliseTypes(request.body.event_types);
      if (request.body.secret !== undefined) {
        const problem = secretProblem(request.body.secret);
        if (problem)
          throw new ApiError(400, 'invalid_secret', `body.secret ${problem}`, {
            field: 'body.secret',
            expected: 'whsec_ + base64 of at least 24 random bytes',
          });
      }
      await checkUrl(request.body.url);
      const { subscription, secret } = await services.store.create({
        url: request.body.url,
        eventTypes,
        ...(request.body.secret === undefined ? {} : { secret: request.body.secret }),
        description: request.body.description ?? null,
        enabled: request.body.enabled ?? true,
        ownerKeyId: key.id,
      });
      reply.code(201).header('Location', `${BASE}/${subscription.id}`);
      return subscriptionView(subscription, secret);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    BASE,
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: 'List subscriptions, paged',
        description: 'Scope integrations:read. next_cursor is null on the last page.',
        querystring: listQuery,
        response: responses({ 200: { description: 'A page of subscriptions', ...subscriptionPage } }, [400, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      const after = request.query.cursor === undefined ? 0 : decodeIdCursor(request.query.cursor);
      const key = request.apiKey as VerifiedKey;
      const rows = await services.store.list(after, request.query.limit + 1, hasScope(key, 'admin') ? undefined : key.id);
      const page = rows.slice(0, request.query.limit);
      const more = rows.length > request.query.limit;
      return { data: page.map((s) => subscriptionView(s)), next_cursor: more ? encodeIdCursor((page.at(-1) as Subscription).id) : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    `${BASE}/:id`,
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: 'One subscription',
        description: 'Scope integrations:read. The secret is never shown again.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 200: { description: 'The subscription', ...subscriptionSchema } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request) => subscriptionView(await mustGet(request.params.id, request.apiKey)),
  );

  app.patch<{ Params: { id: number }; Body: PatchBody }>(
    `${BASE}/:id`,
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        summary: 'Change the URL or types, enable or disable, or rotate the secret',
        description: 'Scope integrations:write. With rotate_secret the new secret is in the answer, once.',
        params: idParams,
        querystring: noQuery,
        body: patchSubscriptionBody,
        response: responses({ 200: { description: 'The changed subscription', ...subscriptionSchema } }, [
          400,
          404,
          413,
          415,
          ...AUTH_ERRORS,
        ]),
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      // Every check before any write: a bad field changes nothing.
      refuseUnstorableText('body.url', body.url);
      refuseUnstorableText('body.description', body.description);
      refuseLongerThanStored('body.url', body.url, SUBSCRIPTION_TEXT_LIMITS.url);
      refuseLongerThanStored('body.description', body.description, SUBSCRIPTION_TEXT_LIMITS.description);
      if (body.event_types !== undefined) mustReadEvents(request.apiKey as VerifiedKey);
      const eventTypes = body.event_types === undefined ? undefined : normaliseTypes(body.event_types);
      if (body.url !== undefined) await checkUrl(body.url);
      await mustGet(id, request.apiKey);
      let updated = await services.store.update(id, {
        ...(body.url === undefined ? {} : { url: body.url }),
        ...(eventTypes === undefined ? {} : { eventTypes }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      });
      let secret: string | undefined;
      if (body.rotate_secret === true) {
        const rotated = await services.store.rotateSecret(id);
        updated = rotated?.subscription;
        secret = rotated?.secret;
      }
      if (!updated) throw new ApiError(404, 'not_found', `no subscription ${id}`);
      return subscriptionView(updated, secret);
    },
  );

  app.delete<{ Params: { id: number } }>(
    `${BASE}/:id`,
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        summary: 'Unsubscribe (REST Hooks unsubscribe)',
        description: 'Deletes the subscription and its queued deliveries. Scope integrations:write.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 204: { description: 'Deleted', type: 'null' } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request, reply) => {
      await mustGet(request.params.id, request.apiKey);
      if (!(await services.store.delete(request.params.id))) throw new ApiError(404, 'not_found', `no subscription ${request.params.id}`);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: number } }>(
    `${BASE}/:id/test`,
    {
      config: { scope: 'integrations:write', bucket: 'write' },
      schema: {
        ...secured,
        summary: 'Send a signed sample event to the subscription',
        description: 'Scope integrations:write. Not recorded in the outbox or the delivery log.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 202: { description: 'The sample and what became of it', ...testResult } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request, reply) => {
      const found = await mustGet(request.params.id, request.apiKey);
      const result = await services.sendTestEvent(found);
      reply.code(202);
      return { sent: result.sent, http_status: result.httpStatus, error: result.error, event: result.envelope };
    },
  );

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    `${BASE}/:id/deliveries`,
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: "A subscription's deliveries, newest first",
        description: 'Scope integrations:read.',
        params: idParams,
        querystring: listQuery,
        response: responses({ 200: { description: 'A page of deliveries', ...deliveryPage } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      await mustGet(request.params.id, request.apiKey);
      const before = request.query.cursor === undefined ? 0 : decodeIdCursor(request.query.cursor);
      const rows = await listDeliveries(store, { subscriptionId: request.params.id }, before, request.query.limit + 1);
      const page = rows.slice(0, request.query.limit);
      return { data: page, next_cursor: rows.length > request.query.limit ? encodeIdCursor((page.at(-1) as { id: number }).id) : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/deliveries/:id/attempts',
    {
      config: { scope: 'integrations:read', bucket: 'read' },
      schema: {
        ...secured,
        summary: "A delivery's attempts (the delivery log)",
        description: 'Scope integrations:read.',
        params: idParams,
        querystring: noQuery,
        response: responses({ 200: { description: 'Attempts in order', ...attemptList } }, [400, 404, ...AUTH_ERRORS]),
      },
    },
    async (request) => {
      const subscriptionId = await deliverySubscriptionId(store, request.params.id);
      const found = subscriptionId === undefined ? undefined : await services.store.get(subscriptionId);
      if (!found || !owns(request.apiKey, found)) throw new ApiError(404, 'not_found', `no delivery ${request.params.id}`);
      return { data: await listAttempts(store, request.params.id) };
    },
  );
}
