import { captureMetrics, deliveryMetrics } from '../api/metrics.js';
import { HttpServer } from '../api/server.js';
import { CaptureLoop } from '../capture/capture-loop.js';
import { captureContext } from '../capture/options.js';
import { DeliveryService } from '../delivery/delivery-service.js';
import { InstanceBridge } from '../outbox/instance-bridge.js';
import { OutboxSignal } from '../outbox/outbox-signal.js';
import { CrmSimulator } from '../demo/simulator.js';
import { RetentionJob } from '../retention/retention-job.js';
import type { Component } from '../kernel/component.js';
import type { ServiceContext } from '../kernel/context.js';
import { buildHttpApp } from './http-app.js';

export interface ComponentOptions {
  demo: boolean;
}

/**
 * Every long-running part of `outbox run`, in start order (stopped in reverse). Each part of the
 * service adds its line here.
 */
export function buildComponents(ctx: ServiceContext, options: ComponentOptions): Component[] {
  const components: Component[] = [];
  if (options.demo) {
    components.push(
      new CrmSimulator(ctx.source, { eventsPerSecond: ctx.config.demo.eventsPerSecond, timezone: ctx.config.source.timezone }, ctx.logger),
    );
  }
  components.push(new RetentionJob(ctx.store, ctx.config.retention, ctx.logger));
  // Capture's commits wake the dispatcher and long pollers here, and through the store elsewhere.
  const signal = new OutboxSignal();
  components.push(new InstanceBridge(ctx.store, signal, ctx.logger, ctx.config.store.connectTimeoutMs));
  if (ctx.config.capture.enabled)
    components.push(
      new CaptureLoop(
        captureContext(ctx.config, ctx.source, ctx.store, ctx.logger),
        { ...ctx.config.capture, onAppended: () => signal.appended() },
        captureMetrics,
      ),
    );
  if (ctx.config.delivery.enabled) components.push(new DeliveryService(ctx, signal, deliveryMetrics));
  components.push(new HttpServer(ctx, () => buildHttpApp(ctx, { signal })));
  return components;
}
