import cron, { type ScheduledTask } from 'node-cron';
import type { Component } from '../kernel/component.js';
import { isLockTimeout, isTransientDatabaseError, OutageLog } from '../kernel/outage.js';
import { BlockedObjects } from './blocked-objects.js';
import { type CaptureMetrics, noCaptureMetrics, PassTally } from './capture-metrics.js';
import { captureCycle, type CycleGaps } from './engine.js';
import { keyCount } from './gap-ranges.js';
import { KEYED_EVENTS } from './events/index.js';
import { reconcileInvoiceStatuses } from './invoice-status.js';
import type { CaptureContext } from './options.js';
import type { SourceObject } from '../outbox/crm/source-object.js';
import { newestKeys } from './source-probe.js';
import { SOURCE_OBJECTS } from '../outbox/crm/sources.js';
import { AdaptiveDelay } from '../kernel/adaptive-delay.js';

export interface CaptureLoopOptions {
  /** The idle interval: every object is read at least this often (pending gaps included). */
  pollIntervalMs: number;
  /** While rows keep coming, the loop probes for new keys this often (default: pollIntervalMs, no fast polls). */
  minPollIntervalMs?: number;
  /** node-cron expression of the invoice status reconciliation; null turns it off. */
  reconcileCron: string | null;
  /** Called after each commit that wrote events: the dispatcher and long pollers look at once. */
  onAppended?: () => void;
  /** A setting older versions capped gap tracking with; set, it is ignored with a warning. */
  maxGapKeys?: number | undefined;
}

/** Every object is read in full this often; in between, only those the probe shows changed. */
const FULL_PASS_EVERY_MS = 60_000;

interface PassResult {
  /** Events written. */
  written: number;
  /** Source rows read past the watermarks or from gaps. */
  rows: number;
  /** Objects another instance was capturing. */
  locked: SourceObject[];
}

/** Expired ranges logged one by one per cycle; more are summed up in one more line. */
const EXPIRED_RANGES_LOGGED = 20;

/**
 * Captures every source object: a full pass at start (and once a minute), then ticks that probe
 * the source for new keys (one short statement) and cycle only the objects that have some or
 * whose last cycle left gaps pending. Ticks come every minPollIntervalMs while rows keep coming and
 * back off, doubling, to pollIntervalMs when they stop. An object whose batch came back full is
 * cycled again at once, so a burst drains without waiting for the clock. Each commit that wrote
 * events calls onAppended, so delivery starts at once. Errors are logged with the object's name
 * and never escape the loop. stop() wakes the wait and returns after the cycle in flight, whose
 * transaction either commits or rolls back whole.
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
  /** The watermark each object was last seen at; the probe compares the source's newest key with it. */
  readonly #seenKeys = new Map<SourceObject, number>();
  #lastProbeError: string | undefined;
  #schedule: AdaptiveDelay | undefined;
  /** Objects whose last cycle left keys pending: each tick cycles them until the keys show up or expire. */
  readonly #gapped = new Set<SourceObject>();
  readonly #blocked: BlockedObjects;

  constructor(
    private readonly ctx: CaptureContext,
    private readonly options: CaptureLoopOptions,
    private readonly metrics: CaptureMetrics = noCaptureMetrics,
  ) {
    this.#blocked = new BlockedObjects(ctx.logger, this.name);
  }

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

  /** The wait between probes in effect now: pollIntervalMs once the source has gone quiet. */
  get probeDelayMs(): number | undefined {
    return this.#schedule?.currentMs;
  }

  /** One pass over every object, repeating each while its batch is full. Returns the events written. */
  async runOnce(): Promise<number> {
    return (await this.#pass(SOURCE_OBJECTS)).written;
  }

  /**
   * Probes the source for new keys (one statement) and cycles only the objects that have some or
   * had gaps pending after their last cycle: an idle tick costs one short statement.
   */
  async runChanged(): Promise<PassResult> {
    let newest: Map<SourceObject, number>;
    try {
      newest = await newestKeys(this.ctx.source.db, SOURCE_OBJECTS);
      this.#lastProbeError = undefined;
    } catch (error) {
      // A lock held on one object's table (a schema change, or on SQL Server an uncommitted row
      // at its newest key) must not stop the others: read every object, as a full pass does;
      // the blocked one says so itself.
      if (isLockTimeout(error)) return this.#pass(SOURCE_OBJECTS);
      if (this.#outage && isTransientDatabaseError(error)) {
        this.#retryDelayMs = this.#outage.failed(error);
        return { written: 0, rows: 0, locked: [] };
      }
      // A probe the source refuses (a missing grant on a key table) must not stop capture: say so
      // once and read every object, as a full pass does.
      const message = (error as Error).message;
      if (message !== this.#lastProbeError)
        this.ctx.logger.error(`probing the source for new keys failed: ${message}`, { component: this.name });
      this.#lastProbeError = message;
      return this.#pass(SOURCE_OBJECTS);
    }
    const changed = SOURCE_OBJECTS.filter(
      (object) => this.#gapped.has(object) || (newest.get(object) ?? 0) > (this.#seenKeys.get(object) ?? -1),
    );
    const result = await this.#pass(changed);
    // Another instance holds the object's lock and captures these keys: do not probe them again.
    for (const object of result.locked) this.#seenKeys.set(object, newest.get(object) ?? 0);
    return result;
  }

  async #pass(objects: readonly SourceObject[]): Promise<PassResult> {
    let written = 0;
    let rows = 0;
    const locked: SourceObject[] = [];
    const tally = new PassTally(this.metrics);
    for (const object of objects) {
      if (this.#blocked.waiting(object)) continue;
      for (;;) {
        if (this.#stopping) return { written, rows, locked };
        try {
          const result = await captureCycle(this.ctx, object, KEYED_EVENTS);
          this.#blocked.captured(object);
          if (result.status === 'started') {
            this.ctx.logger.info(`${object.name}: capture starts after key ${result.lastKey} (nothing older is emitted)`, {
              component: this.name,
            });
          }
          this.#outage?.succeeded();
          if (result.status === 'locked') locked.push(object);
          else this.#seenKeys.set(object, result.lastKey);
          if (result.status !== 'captured') break;
          this.#reportGaps(object.name, result.gaps);
          if (result.gaps.pendingKeys > 0) this.#gapped.add(object);
          else this.#gapped.delete(object);
          written += result.inserted;
          rows += result.rows + result.lateRows;
          tally.add(result.appended);
          if (result.appended.some((appended) => appended.inserted > 0)) this.options.onAppended?.();
          if (!result.full) break;
        } catch (error) {
          // A lock held on this object's rows (an open CRM transaction) blocks this object only:
          // it backs off and the pass goes on; the cycle rolled back, so nothing is lost.
          if (isLockTimeout(error)) {
            this.#blocked.timedOut(object, error);
            break;
          }
          // A database that went away fails every object alike: log the outage once, back off,
          // and try the whole pass again; the failed cycle rolled back, so nothing is lost.
          if (this.#outage && isTransientDatabaseError(error)) {
            this.#retryDelayMs = this.#outage.failed(error);
            return { written, rows, locked };
          }
          this.ctx.logger.error(`${object.name}: capture cycle failed: ${(error as Error).message}`, { component: this.name });
          break;
        }
      }
    }
    tally.end(this.ctx.now());
    return { written, rows, locked };
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
          this.options.onAppended?.();
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
    const { pollIntervalMs } = this.options;
    const schedule = new AdaptiveDelay(this.options.minPollIntervalMs ?? pollIntervalMs, pollIntervalMs);
    this.#schedule = schedule;
    let lastFullPass = -Infinity;
    while (!this.#stopping) {
      let found: PassResult;
      // The first pass sets every watermark; later ones are a safety net for what the probe
      // cannot see (an instance that held an object's lock and died with nothing after it).
      if (performance.now() - lastFullPass >= FULL_PASS_EVERY_MS) {
        lastFullPass = performance.now();
        found = await this.#pass(SOURCE_OBJECTS);
      } else found = await this.runChanged();
      if (this.#stopping) break;
      const delayMs = this.#retryDelayMs > 0 ? this.#retryDelayMs : schedule.next(found.rows > 0);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, delayMs);
      });
      this.#retryDelayMs = 0;
    }
  }
}
