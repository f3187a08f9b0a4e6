import type { SubscriptionServices } from './subscription-service.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import type { OutboxSignal } from '../outbox/outbox-signal.js';
import type { Component } from '../kernel/component.js';
import type { ServiceContext } from '../kernel/context.js';
import { createUrlGuard, type LookupAll, parseNetworks } from './address-guard.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { HttpSender } from './http-sender.js';
import { kyselySubscriptionStore } from './subscriptions.js';
import { testEventSender } from './test-event.js';

export function dispatcherOptions(config: Config): DispatcherOptions {
  const { delivery } = config;
  return {
    ...delivery,
    // Leave the lifecycle time to write results and close pools after the grace.
    stopGraceMs: Math.max(500, config.shutdown.timeoutMs - 2000),
  };
}

export function httpSender(config: Config, lookup?: LookupAll): HttpSender {
  return new HttpSender({
    env: config.env,
    timeoutMs: config.delivery.timeoutMs,
    connectTimeoutMs: config.delivery.connectTimeoutMs,
    allowedNetworks: parseNetworks(config.delivery.allowedNetworks),
    ...(lookup ? { lookup } : {}),
  });
}

/** The dispatcher as a part of `outbox run`, with the sender it owns. */
export class DeliveryService implements Component {
  readonly name = 'delivery';
  readonly dispatcher: Dispatcher;
  readonly #sender: HttpSender;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly signal?: OutboxSignal,
    metrics?: DeliveryMetrics,
  ) {
    this.#sender = httpSender(ctx.config);
    this.dispatcher = new Dispatcher(dispatcherOptions(ctx.config), {
      store: ctx.store,
      logger: ctx.logger,
      sender: this.#sender,
      ...(metrics ? { metrics } : {}),
    });
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.signal?.subscribe(() => this.dispatcher.nudge());
    await this.dispatcher.start();
    this.ctx.logger.info(`delivering webhooks as ${this.dispatcher.owner}`, { component: this.name });
    const networks = this.ctx.config.delivery.allowedNetworks;
    if (this.ctx.config.env === 'production' && networks.length > 0) {
      this.ctx.logger.info(
        `webhooks may reach these private networks besides public addresses (delivery.allowedNetworks): ${networks.join(', ')}; cloud metadata addresses stay refused`,
        { component: this.name },
      );
    }
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.dispatcher.stop();
    await this.#sender.destroy();
  }
}

/** What the API's subscription routes use: the store, the dispatcher's URL check and a test sender. */
export function subscriptionServices(
  store: Database,
  config: Config,
  lookup?: LookupAll,
): { services: SubscriptionServices; close: () => Promise<void> } {
  const sender = httpSender(config, lookup);
  return {
    services: {
      store: kyselySubscriptionStore(store, { secretOverlapHours: config.delivery.secretOverlapHours }),
      urlGuard: createUrlGuard(config.env, lookup, parseNetworks(config.delivery.allowedNetworks)),
      sendTestEvent: testEventSender(store, config, sender),
    },
    close: () => sender.destroy(),
  };
}
