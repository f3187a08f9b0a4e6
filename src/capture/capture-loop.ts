import cron, { type ScheduledTask } from 'node-cron';
import type { Component } from '../service/component.js';
import { isTransientDatabaseError, OutageLog } from '../service/outage.js';
import { type CaptureMetrics, noCaptureMetrics, PassTally } from './capture-metrics.js';
import { captureCycle } from './engine.js';
import { KEYED_EVENTS } from './events/index.js';
import { reconcileInvoiceStatuses } from './invoice-status.js';
import type { CaptureContext } from './options.js';
import { SOURCE_OBJECTS } from './sources.js';

export interface CaptureLoopOptions {
  pollIntervalMs: number;
  /** node-cron expression of the invoice status reconciliation; null turns it off. */
  reconcileCron: string | null;
}

/**
 * Polls every source object on an interval; an object whose batch came back full is polled
 * again at once, so a burst drains without waiting for the clock. Errors are logged with the
 * object's name and never escape the loop. stop() wakes the wait and returns after the cycle
 * in flight, whose transaction either commits or rolls back whole.
 */
export class CaptureLoop implements Component {
  readonly name = 'capture';
  #stopping = false;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #task: ScheduledTask | undefined;
  #reconciling: Promise<void> = Promise.resolve();
  #outage: OutageLog | undefined;
  #retryDelayMs = 0;

  constructor(
    private readonly ctx: CaptureContext,
    private readonly options: CaptureLoopOptions,
    private readonly metrics: CaptureMetrics = noCaptureMetrics,
  ) {}

  async start(): Promise<void> {
    this.#outage = new OutageLog(this.ctx.logger, 'capture: the source or store database');
    this.#loop = this.#run();
    if (this.options.reconcileCron !== null) {
      this.#task = cron.schedule(this.options.reconcileCron, () => this.reconcile(), {
        name: 'invoice-status-reconciliation',
        noOverlap: true,
      });
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#task?.stop();
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
    await this.#reconciling;
  }

  /** One pass over every object, repeating each while its batch is full. Returns the events written. */
  async runOnce(): Promise<number> {
    let written = 0;
    const tally = new PassTally(this.metrics);
    for (const object of SOURCE_OBJECTS) {
      for (;;) {
        if (this.#stopping) return written;
        try {
          const result = await captureCycle(this.ctx, object, KEYED_EVENTS);
          if (result.status === 'started') {
            this.ctx.logger.info(`${object.name}: capture starts after key ${result.lastKey} (nothing older is emitted)`, {
              component: this.name,
            });
          }
          this.#outage?.succeeded();
          if (result.status !== 'captured') break;
          written += result.inserted;
          tally.add(result.appended);
          if (!result.full) break;
        } catch (error) {
          // A database that went away fails every object alike: log the outage once, back off,
          // and try the whole pass again; the failed cycle rolled back, so nothing is lost.
          if (this.#outage && isTransientDatabaseError(error)) {
            this.#retryDelayMs = this.#outage.failed(error);
            return written;
          }
          this.ctx.logger.error(`${object.name}: capture cycle failed: ${(error as Error).message}`, { component: this.name });
          break;
        }
      }
    }
    tally.end(this.ctx.now());
    return written;
  }

  reconcile(): Promise<void> {
    this.#reconciling = this.#reconciling.then(async () => {
      try {
        const written = await reconcileInvoiceStatuses(this.ctx, () => this.#stopping);
        if (written > 0) {
          this.metrics.captured('invoice.status_changed', written);
          this.ctx.logger.info(`invoice reconciliation wrote ${written} status change(s)`, { component: this.name });
        }
      } catch (error) {
        this.ctx.logger.error(`invoice reconciliation failed: ${(error as Error).message}`, { component: this.name });
      }
    });
    return this.#reconciling;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      await this.runOnce();
      if (this.#stopping) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, Math.max(this.options.pollIntervalMs, this.#retryDelayMs));
      });
      this.#retryDelayMs = 0;
    }
  }
}
