import type { FastifyInstance } from 'fastify';
import { registerAdminPortal } from '../admin/portal.js';
import { verifyApiKey } from '../api/api-keys.js';
import { hasScope } from '../api/auth.js';
import { buildHttpApp as buildApiApp, type HttpExtension } from '../api/server.js';
import { CAPTURE_SOURCES } from '../capture/events/index.js';
import type { LookupAll } from '../delivery/address-guard.js';
import { subscriptionServices } from '../delivery/delivery-service.js';
import { previewRecover } from '../delivery/delivery-store.js';
import { RecoverError, redelivery } from '../delivery/redelivery.js';
import type { SubscriptionServices } from '../delivery/subscription-service.js';
import type { ServiceContext } from '../kernel/context.js';
import type { OutboxSignal } from '../outbox/outbox-signal.js';

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

/**
 * The service's HTTP application: the API with the delivery part's subscription services and,
 * when enabled, the admin portal beside it. Built without listening, so tests can inject or listen.
 */
export async function buildHttpApp(ctx: ServiceContext, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const owned = options.subscriptions ? undefined : subscriptionServices(ctx.store, ctx.config, options.lookup);
  const subscriptions = options.subscriptions ?? owned!.services;
  const now = options.now ?? Date.now;
  const app = await buildApiApp(ctx, {
    subscriptions,
    extensions: ctx.config.admin.enabled ? [adminPortal(ctx, subscriptions, now)] : [],
    ...(options.now ? { now: options.now } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (owned) app.addHook('onClose', owned.close);
  return app;
}

function adminPortal(ctx: ServiceContext, subscriptions: SubscriptionServices, now: () => number): HttpExtension {
  const store = ctx.store;
  // The one resend/recover of the API and the CLI (src/delivery/redelivery.ts).
  const service = redelivery(store, () => new Date(now()));
  return (app, { limiter }) =>
    registerAdminPortal(app, {
      store,
      logger: ctx.logger,
      env: ctx.config.env,
      sessionIdleMinutes: ctx.config.admin.sessionIdleMinutes,
      verifyKey: (presented) => verifyApiKey(store, presented),
      hasScope,
      takeToken: (who, bucket) => limiter.take(who, bucket),
      subscriptions,
      deliveries: {
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
      },
      captureSources: CAPTURE_SOURCES,
      now,
    });
}
