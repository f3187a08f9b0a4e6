import { EVENT_CATALOG, schemaName } from '../outbox/event-catalog/index.js';
import type { EventType } from '../outbox/event-types.js';

/*
 * What the published OpenAPI document adds to what @fastify/swagger builds from the route schemas:
 * an operationId on every operation, `servers`, the payload of every event type as a named schema,
 * the envelope typed by event type (a oneOf on `type`), and the webhook requests themselves under
 * `webhooks`. The routes keep their plain envelope schema: it is what Fastify serialises with,
 * and a oneOf there would cost every response of GET /events a validation per event.
 */

/** Fastify route URL and method → operationId. A route missing here gets one derived from its path. */
const OPERATION_IDS: Record<string, string> = {
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'GET /metrics': 'getMetrics',
  'GET /api/v1/events': 'listEvents',
  'GET /api/v1/events/:id': 'getEvent',
  'GET /api/v1/event-types': 'listEventTypes',
  'GET /api/v1/event-types/:type': 'getEventType',
  'POST /api/v1/webhooks/subscriptions': 'createSubscription',
  'GET /api/v1/webhooks/subscriptions': 'listSubscriptions',
  'GET /api/v1/webhooks/subscriptions/:id': 'getSubscription',
  'PATCH /api/v1/webhooks/subscriptions/:id': 'updateSubscription',
  'DELETE /api/v1/webhooks/subscriptions/:id': 'deleteSubscription',
  'POST /api/v1/webhooks/subscriptions/:id/test': 'sendTestEvent',
  'GET /api/v1/webhooks/subscriptions/:id/deliveries': 'listSubscriptionDeliveries',
  'POST /api/v1/webhooks/subscriptions/:id/recover': 'recoverSubscription',
  'GET /api/v1/deliveries': 'listDeliveries',
  'GET /api/v1/deliveries/:id': 'getDelivery',
  'POST /api/v1/deliveries/:id/resend': 'resendDelivery',
  'GET /api/v1/deliveries/:id/attempts': 'listDeliveryAttempts',
};

/** `GET /api/v1/things/:id/parts` → `getApiV1ThingsIdParts`: unique as long as routes are. */
function derivedOperationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export function operationIdFor(method: string, url: string): string {
  return OPERATION_IDS[`${method.toUpperCase()} ${url}`] ?? derivedOperationId(method, url);
}

type Schema = Record<string, unknown>;
type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
  servers?: unknown[];
  webhooks?: Record<string, unknown>;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The route schema of an event envelope, as @fastify/swagger emitted it. */
function isEnvelope(node: Schema): boolean {
  const properties = node['properties'] as Schema | undefined;
  return node['type'] === 'object' && properties !== undefined && 'createdUtc' in properties && 'payload' in properties;
}

/** Replaces every envelope schema below `node` with a reference to the typed one. */
function referTypedEnvelopes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(referTypedEnvelopes);
  if (typeof node !== 'object' || node === null) return node;
  if (isEnvelope(node as Schema)) return ref('Event');
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, referTypedEnvelopes(value)]));
}

function typedSchemas(envelope: Schema): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const mapping: Record<string, string> = {};
  const properties = envelope['properties'] as Schema;
  for (const entry of EVENT_CATALOG) {
    const name = schemaName(entry.type);
    schemas[`${name}Payload`] = { ...entry.payloadSchema, description: entry.description };
    schemas[`${name}Event`] = {
      ...envelope,
      description: `A ${entry.type} event`,
      properties: { ...properties, type: { type: 'string', const: entry.type }, payload: ref(`${name}Payload`) },
      examples: [entry.sample],
    };
    mapping[entry.type] = `#/components/schemas/${name}Event`;
  }
  schemas['Event'] = {
    description: 'An event envelope; `type` tells which payload it carries',
    oneOf: EVENT_CATALOG.map((entry) => ref(`${schemaName(entry.type)}Event`)),
    discriminator: { propertyName: 'type', mapping },
  };
  return schemas;
}

/** Each webhook request, one per event type: what a subscriber's endpoint receives. */
function webhooks(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of EVENT_CATALOG) {
    const name = schemaName(entry.type as EventType);
    out[entry.type] = {
      post: {
        operationId: `on${name}`,
        summary: `${entry.type} delivered to a subscription's URL`,
        description: `${entry.description} Signed with the Standard Webhooks headers webhook-id (the event id), webhook-timestamp and webhook-signature.`,
        tags: ['webhooks'],
        security: [{ webhookSignature: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref(`${name}Event`) } } },
        responses: {
          '200': { description: 'Any 2xx: delivered' },
          '410': { description: 'Gone: the subscription is disabled at once' },
          default: { description: 'Anything else, or no answer within the timeout: retried on the schedule' },
        },
      },
    };
  }
  return out;
}

export interface PublishOptions {
  /** Where the API is reached; '/' (the document's own origin) when not configured. */
  serverUrl: string;
  /** The route schema of the envelope, which the typed event schemas extend. */
  envelope: Schema;
}

/** Adds servers, typed events and webhooks to the document @fastify/swagger built. */
export function publishDocument<T>(document: T, options: PublishOptions): T {
  const doc = document as Document;
  doc.servers = [{ url: options.serverUrl, description: 'This service' }];
  doc.paths = referTypedEnvelopes(doc.paths ?? {}) as Document['paths'];
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...typedSchemas(options.envelope) } };
  doc.webhooks = webhooks();
  return document;
}
