import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import type { Component } from '../kernel/component.js';
import type { ServiceContext } from '../kernel/context.js';
import type { OutboxSignal } from '../outbox/outbox-signal.js';
import { version } from '../version.js';
import { FAILED_AUTH_BUCKET, installAuth } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { registerEventRoutes } from './event-routes.js';
import { EventWatch } from './event-watch.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { RateLimiter } from './rate-limit.js';
import { envelope, shareErrorSchema } from './schemas.js';
import { operationIdFor, publishDocument } from './openapi-document.js';
import { registerEventTypeRoutes } from './event-type-routes.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import type { SubscriptionServices } from '../delivery/subscription-service.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The long poll's watch: how many pollers wait, for tests and diagnostics. */
    eventWatch: EventWatch;
  }
}

/** What pages served beside the API (the admin portal) share with it. */
export interface HttpAppShared {
  /** The API's rate limiter: one budget per key for the API and the pages. */
  limiter: RateLimiter;
}

/** Registers pages beside the API, after its authentication and routes are in place. */
export type HttpExtension = (app: FastifyInstance, shared: HttpAppShared) => Promise<void>;

export interface HttpAppParts {
  /** The subscription store, URL guard and test sender, built by the service from the delivery part. */
  subscriptions: SubscriptionServices;
  /** Pages served beside the API, in this order. */
  extensions?: readonly HttpExtension[];
  /** Milliseconds since the epoch, for the rate limiter and the key cache (tests move it). */
  now?: () => number;
  /** Capture's commits, to wake long pollers at once; without it they find events at the watch's poll. */
  signal?: OutboxSignal;
}

/** Builds the HTTP application without listening, so tests can inject or listen themselves. */
export async function buildHttpApp(ctx: ServiceContext, options: HttpAppParts): Promise<FastifyInstance> {
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
  const limiter = new RateLimiter(ctx.config.api.rateLimits, options.now);
  installAuth(app, {
    store: ctx.store,
    limiter,
    keyCacheMs: ctx.config.api.keyCacheMs,
    addressLimiter: new RateLimiter({ [FAILED_AUTH_BUCKET]: ctx.config.api.failedAuthPerAddress }, options.now),
    ...(options.now ? { now: options.now } : {}),
  });
  await registerHealthRoutes(app, ctx);
  await registerOpsRoutes(app, ctx);
  // SQL Server has no LISTEN: there the watch polls sooner for other instances' commits.
  const watch = new EventWatch(ctx.store, ctx.logger, { idlePollMs: ctx.store.target.kind === 'mssql' ? 250 : 1000 }, options.signal);
  app.decorate('eventWatch', watch);
  // Before the server waits for requests in flight: long polls answer now, not when their time is up.
  app.addHook('preClose', async () => watch.close());
  await registerEventRoutes(app, ctx.store, watch);
  await registerEventTypeRoutes(app);
  await registerSubscriptionRoutes(app, ctx.store, options.subscriptions);
  await registerDeliveryRoutes(app, ctx.store);
  for (const extend of options.extensions ?? []) await extend(app, { limiter });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export class HttpServer implements Component {
  readonly name = 'http';
  #app: FastifyInstance | undefined;
  #address: string | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly build: () => Promise<FastifyInstance>,
  ) {}

  get address(): string | undefined {
    return this.#address;
  }

  async start(): Promise<void> {
    this.#app = await this.build();
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
