import cron, { type ScheduledTask } from 'node-cron';
import type { Component } from '../service/component.js';
import { isTransientDatabaseError, OutageLog } from '../service/outage.js';
import { type CaptureMetrics, noCaptureMetrics, PassTally } from './capture-metrics.js';
import { captureCycle, type CycleGaps } from './engine.js';
import { keyCount } from './gap-ranges.js';
import { KEYED_EVENTS } from './events/index.js';
import { reconcileInvoiceStatuses } from './invoice-status.js';
import type { CaptureContext } from './options.js';
import { SOURCE_OBJECTS } from './sources.js';

export interface CaptureLoopOptions {
  pollIntervalMs: number;
  /** node-cron expression of the invoice status reconciliation; null turns it off. */
  reconcileCron: string | null;
  /** A setting older versions capped gap tracking with; set, it is ignored with a warning. */
  maxGapKeys?: number | undefined;
}

/** Expired ranges logged one by one per cycle; more are summed up in one more line. */
const EXPIRED_RANGES_LOGGED = 20;

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
    if (this.options.maxGapKeys !== undefined) {
      this.ctx.logger.warn('capture.maxGapKeys is no longer used and is ignored: gaps are kept as key ranges, none skipped', {
        component: this.name,
      });
    }
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
          this.#reportGaps(object.name, result.gaps);
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

  /**
   * After the commit: the keys given up are the one loss capture allows by design (a CRM
   * transaction open longer than gapTimeoutMs), so each range is an error an operator sees.
   */
  #reportGaps(source: string, gaps: CycleGaps): void {
    this.metrics.gapKeysPending(source, gaps.pendingKeys);
    if (gaps.expired.length === 0) return;
    this.metrics.gapKeysExpired(source, keyCount(gaps.expired));
    const ms = this.ctx.gapTimeoutMs;
    const timeout = ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
    for (const range of gaps.expired.slice(0, EXPIRED_RANGES_LOGGED)) {
      const keys = range.last - range.first + 1;
      this.ctx.logger.error(
        `${source}: gave up on keys ${range.first}..${range.last} (${keys} key${keys === 1 ? '' : 's'}), missing since ${range.seenUtc.toISOString()}, longer than capture.gapTimeoutMs (${timeout}): rolled back or deleted rows, or a CRM transaction open that long, whose rows will never become events`,
        { component: this.name },
      );
    }
    const rest = gaps.expired.slice(EXPIRED_RANGES_LOGGED);
    if (rest.length > 0) {
      this.ctx.logger.error(`${source}: gave up on ${rest.length} more key ranges (${keyCount(rest)} keys) in the same cycle`, {
        component: this.name,
      });
    }
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
