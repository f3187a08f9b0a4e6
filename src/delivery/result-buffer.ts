import type { Database } from '../db/connect.js';
import type { DeliveryUpdateRow } from '../db/ports/delivery.js';
import { OutageLog } from '../kernel/outage.js';
import type { Logger } from '../logging/logger.js';
import { releaseLeases } from './delivery-store.js';
import type { AttemptOutcome } from './outcome.js';
import { writeResults } from './result-writer.js';

export interface ResultBufferOptions {
  recordBatchSize: number;
  flushMs: number;
  disableAfterFailingDays: number;
}

export interface ResultBufferDeps {
  store: Database;
  logger: Logger;
  /** The dispatcher's lease owner: only rows still leased to it are written. */
  owner: string;
  now: () => Date;
  /** Whether the dispatcher is stopping: a failed write is then not retried by a timer. */
  stopping: () => boolean;
  /** The store disabled a subscription while writing (410 Gone, failing too long). */
  disabled: (subscriptionId: number) => void;
  /** A 410 Gone's disabling is written: from now on the claim itself passes it over. */
  goneWritten: (subscriptionId: number) => void;
}

/**
 * Write-behind for the dispatcher: results, cancels and leases given back are gathered and
 * written in one transaction per batch (recordBatchSize, or every flushMs). A write that fails
 * keeps them for the next; if the process dies first, the leases end and the deliveries are sent
 * again (at least once).
 */
export class ResultBuffer {
  /** Results and cancels waiting to be written, with the ids they settle. */
  #outcomes: AttemptOutcome[] = [];
  #cancels: DeliveryUpdateRow[] = [];
  /** Deliveries to give back unsent, by the time they fall due again. */
  #releases = new Map<string, number[]>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;
  /** Result writes fail apart from claims (a refused row, a locked table): their own outage. */
  readonly #outage: OutageLog;

  constructor(
    private readonly options: ResultBufferOptions,
    private readonly deps: ResultBufferDeps,
  ) {
    this.#outage = new OutageLog(deps.logger, 'delivery: the store database (recording results)', deps.now);
  }

  addOutcome(outcome: AttemptOutcome): void {
    this.#outcomes.push(outcome);
    this.#schedule();
  }

  addCancel(cancel: DeliveryUpdateRow): void {
    this.#cancels.push(cancel);
    this.#schedule();
  }

  /** Gives the delivery back unsent, due again at `due`. */
  addRelease(deliveryId: number, due: Date): void {
    const key = due.toISOString();
    const ids = this.#releases.get(key) ?? [];
    ids.push(deliveryId);
    this.#releases.set(key, ids);
    this.#schedule();
  }

  /** Writes the results gathered so far (one transaction), then the releases. */
  flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Nothing more is written, however much is left. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#flushTimer);
  }

  #schedule(): void {
    if (this.#outcomes.length + this.#cancels.length >= this.options.recordBatchSize) {
      void this.flush();
      return;
    }
    this.#flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs);
  }

  async #write(): Promise<void> {
    if (this.#closed) return;
    const outcomes = this.#outcomes;
    const cancels = this.#cancels;
    const releases = this.#releases;
    if (outcomes.length === 0 && cancels.length === 0 && releases.size === 0) return;
    this.#outcomes = [];
    this.#cancels = [];
    this.#releases = new Map();
    const { store, logger, owner } = this.deps;
    const now = this.deps.now();
    const options = { owner, now, failingCutoff: new Date(now.getTime() - this.options.disableAfterFailingDays * 86_400_000) };
    // Never rejects: a rejected write would end the flush chain, and with it every later write.
    const report = await writeResults(store, { outcomes, cancels }, options).catch((fault: unknown) => ({
      disabled: [],
      withoutBody: [],
      dropped: [],
      unwritten: { outcomes, cancels },
      fault,
    }));
    for (const { subscriptionId, reason } of report.disabled) {
      logger.warn(`subscription ${subscriptionId} disabled: ${reason}`, { component: 'delivery' });
      this.deps.disabled(subscriptionId);
    }
    const unwritten = new Set(report.unwritten.outcomes);
    for (const outcome of outcomes) if (outcome.verdict === 'gone' && !unwritten.has(outcome)) this.deps.goneWritten(outcome.attempt.s);
    if (report.withoutBody.length > 0) {
      logger.warn(`the store refused the response body of deliveries ${report.withoutBody.join(', ')}: recorded without it`, {
        component: 'delivery',
      });
    }
    if (report.dropped.length > 0) {
      logger.warn(
        `the store refused the results of deliveries ${report.dropped.map((d) => d.deliveryId).join(', ')} (${report.dropped[0]?.error}): not recorded, sent again when their leases end`,
        { component: 'delivery' },
      );
    }
    let fault = report.fault;
    if (fault === undefined) {
      try {
        for (const [due, ids] of releases) await releaseLeases(store, owner, ids, new Date(due));
      } catch (error) {
        fault = error;
      }
    }
    if (fault === undefined) {
      this.#outage.succeeded();
      return;
    }
    // Keep them for the next write; logged once per outage, however long it lasts.
    this.#outcomes = [...report.unwritten.outcomes, ...this.#outcomes];
    this.#cancels = [...report.unwritten.cancels, ...this.#cancels];
    for (const [due, ids] of releases) this.#releases.set(due, [...ids, ...(this.#releases.get(due) ?? [])]);
    const delayMs = this.#outage.failed(fault);
    if (!this.deps.stopping()) this.#flushTimer ??= setTimeout(() => void this.flush(), delayMs);
  }
}
