import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import type { Component } from '../kernel/component.js';
import type { ServiceContext } from '../kernel/context.js';
import type { LookupAll } from '../delivery/address-guard.js';
import type { OutboxSignal } from '../outbox/outbox-signal.js';
import { subscriptionServices } from '../delivery/delivery-service.js';
import { previewRecover } from '../delivery/delivery-store.js';
import { RecoverError, redelivery } from '../delivery/redelivery.js';
import { registerAdminPortal } from '../admin/portal.js';
import { CAPTURE_SOURCES } from '../capture/events/index.js';
import { version } from '../version.js';
import { verifyApiKey } from './api-keys.js';
import { FAILED_AUTH_BUCKET, hasScope, installAuth } from './auth.js';
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
import type { SubscriptionServices } from './subscription-service.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The long poll's watch: how many pollers wait, for tests and diagnostics. */
    eventWatch: EventWatch;
  }
}

export interface HttpAppOptions {
  /** The subscription store, URL guard and test sender; the delivery module's by default. */
  subscriptions?: SubscriptionServices;
  /** Replaces DNS for the URL check and the test sender (tests; this machine has no outside DNS). */
  lookup?: LookupAll;
  /** Milliseconds since the epoch, for the rate limiter and the key cache (tests move it). */
  now?: () => number;
  /** Capture's commits, to wake long pollers at once; without it they find events at the watch's poll. */
  signal?: OutboxSignal;
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
  let subscriptions = options.subscriptions;
  if (!subscriptions) {
    const owned = subscriptionServices(ctx.store, ctx.config, options.lookup);
    app.addHook('onClose', owned.close);
    subscriptions = owned.services;
  }
  await registerSubscriptionRoutes(app, ctx.store, subscriptions);
  await registerDeliveryRoutes(app, ctx.store);
  if (ctx.config.admin.enabled) {
    const store = ctx.store;
    const now = options.now ?? Date.now;
    await registerAdminPortal(app, {
      store,
      logger: ctx.logger,
      env: ctx.config.env,
      sessionIdleMinutes: ctx.config.admin.sessionIdleMinutes,
      verifyKey: (presented) => verifyApiKey(store, presented),
      hasScope,
      takeToken: (who, bucket) => limiter.take(who, bucket),
      subscriptions,
      deliveries: (() => {
        // The one resend/recover of the API and the CLI (src/delivery/redelivery.ts).
        const service = redelivery(store, () => new Date(now()));
        return {
          resend: async (id: number) => {
            try {
              await service.resend(id);
              return true;
            } catch (error) {
              if (error instanceof RecoverError && error.kind === 'not_found') return false;
              throw error;
            }
          },
          recover: (id: number, since: Date) => service.recover(id, since),
          previewRecover: (id: number, since: Date) => previewRecover(store, id, since),
          refusal: (error: unknown) => (error instanceof RecoverError ? error.message : undefined),
        };
      })(),
      captureSources: CAPTURE_SOURCES,
      now,
    });
  }
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export class HttpServer implements Component {
  readonly name = 'http';
  #app: FastifyInstance | undefined;
  #address: string | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: HttpAppOptions = {},
  ) {}

  get address(): string | undefined {
    return this.#address;
  }

  async start(): Promise<void> {
    this.#app = await buildHttpApp(this.ctx, this.options);
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
