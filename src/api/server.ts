import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import type { Component } from '../service/component.js';
import type { ServiceContext } from '../service/context.js';
import type { LookupAll } from '../delivery/address-guard.js';
import { subscriptionServices } from '../delivery/delivery-service.js';
import { version } from '../version.js';
import { FAILED_AUTH_BUCKET, installAuth } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { registerEventRoutes } from './event-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { RateLimiter } from './rate-limit.js';
import { envelope, shareErrorSchema } from './schemas.js';
import { operationIdFor, publishDocument } from './openapi-document.js';
import { registerEventTypeRoutes } from './event-type-routes.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import type { SubscriptionServices } from './subscription-service.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';

export interface HttpAppOptions {
  /** The subscription store, URL guard and test sender; the delivery module's by default. */
  subscriptions?: SubscriptionServices;
  /** Replaces DNS for the URL check and the test sender (tests; this machine has no outside DNS). */
  lookup?: LookupAll;
  /** Milliseconds since the epoch, for the rate limiter and the key cache (tests move it). */
  now?: () => number;
}

/** Builds the HTTP application without listening, so tests can inject or listen themselves. */
export async function buildHttpApp(ctx: ServiceContext, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
  });
  // Fastify's default Ajv strips unknown fields silently and coerces body types; we refuse both.
  // Only the query string and path, which arrive as text, are coerced to their declared types.
  const bodyAjv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, strict: false });
  const textAjv = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
  installErrorHandlers(app, (error, route) =>
    ctx.logger.error(`unexpected error in ${route}: ${error instanceof Error ? error.message : String(error)}`, { component: 'http' }),
  );
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CRM outbox integration API',
        version,
        description: 'Events polling, webhook subscriptions (REST Hooks) and the delivery log.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `outbox keys create`' },
          webhookSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'webhook-signature',
            description: "Webhook requests are signed with the subscription's secret (Standard Webhooks); verify before trusting them",
          },
        },
      },
    },
    // A route without `security` needs no key: the document says so with an empty list.
    transform: ({ schema, url, route }) => ({
      schema: { security: [], ...schema, operationId: operationIdFor(route.method as string, route.url) },
      url,
    }),
    transformObject: (document) =>
      'openapiObject' in document
        ? publishDocument(shareErrorSchema(document.openapiObject), { serverUrl: ctx.config.http.publicUrl ?? '/', envelope })
        : document.swaggerObject,
  });
  installAuth(app, {
    store: ctx.store,
    limiter: new RateLimiter(ctx.config.api.rateLimits, options.now),
    keyCacheMs: ctx.config.api.keyCacheMs,
    addressLimiter: new RateLimiter({ [FAILED_AUTH_BUCKET]: ctx.config.api.failedAuthPerAddress }, options.now),
    ...(options.now ? { now: options.now } : {}),
  });
  await registerHealthRoutes(app, ctx);
  await registerOpsRoutes(app, ctx);
  await registerEventRoutes(app, ctx.store);
  await registerEventTypeRoutes(app);
  let subscriptions = options.subscriptions;
  if (!subscriptions) {
    const owned = subscriptionServices(ctx.store, ctx.config, options.lookup);
    app.addHook('onClose', owned.close);
    subscriptions = owned.services;
  }
  await registerSubscriptionRoutes(app, ctx.store, subscriptions);
  await registerDeliveryRoutes(app, ctx.store);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export class HttpServer implements Component {
  readonly name = 'http';
  #app: FastifyInstance | undefined;
  #address: string | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  get address(): string | undefined {
    return this.#address;
  }

  async start(): Promise<void> {
    this.#app = await buildHttpApp(this.ctx);
    const { host, port } = this.ctx.config.http;
    await this.#app.listen({ host, port });
    const bound = this.#app.server.address();
    const actualPort = typeof bound === 'object' && bound ? bound.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.#address = `http://${shownHost}:${actualPort}`;
    this.ctx.logger.info(`HTTP server listening on ${this.#address}`, { component: this.name });
  }

  async stop(): Promise<void> {
    await this.#app?.close();
  }
}
