import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import PQueue from 'p-queue';
import { attemptDurationSeconds, circuitState, deliveriesTotal } from '../api/metrics.js';
import type { Database } from '../db/connect.js';
import { utcStoreText } from '../db/wall-clock.js';
import type { Logger } from '../logging/logger.js';
import type { Component } from '../service/component.js';
import { AdaptiveDelay } from '../service/adaptive-delay.js';
import { backoffMs, isTransientDatabaseError, OutageLog } from '../service/outage.js';
import { CircuitBreakers, type CircuitOptions, type CircuitStateName } from './circuit.js';
import type { ClaimedDelivery, DeliveryUpdateRow } from './delivery-dialect.js';
import { envelopeJson } from '../outbox/envelope.js';
import { leasedDeliveries, releaseLeases, renewLeases } from './delivery-store.js';
import type { SendRequest, SendResult } from './http-sender.js';
import { type AttemptOutcome, settleAttempt } from './outcome.js';
import { writeResults } from './result-writer.js';
import type { RetryOptions } from './retry-policy.js';
import { type SigningSecrets, webhookHeaders } from './signing.js';
import { type DeliveryTarget, loadDeliveryTargets } from './subscriptions.js';

export interface DispatcherOptions extends RetryOptions {
  pollIntervalMs: number;
  /** After a claim that found work the next poll comes this soon, doubling back to pollIntervalMs. */
  minPollIntervalMs?: number;
  batchSize: number;
  maxInFlight: number;
  perSubscriptionInFlight: number;
  leaseMs: number;
  recordBatchSize: number;
  flushMs: number;
  disableAfterFailingDays: number;
  circuit: CircuitOptions;
  /** How long stop() waits for requests in flight before giving their deliveries back. */
  stopGraceMs: number;
}

/** What the dispatcher sends with: the undici sender in the service, the same in tests. */
export interface Sender {
  send(request: SendRequest): Promise<SendResult>;
}

export interface DispatcherDeps {
  store: Database;
  logger: Logger;
  sender: Sender;
  /** Names this process in LeaseOwner; unique per dispatcher. */
  owner?: string;
  now?: () => Date;
  random?: () => number;
}

/** A claimed delivery while this process holds it. */
/** The exact bytes sent and signed, the same on every retry, and the event's type. */
interface EventBody {
  type: string;
  json: string;
}

interface Held {
  claimed: ClaimedDelivery;
  sending: boolean;
}

const CIRCUIT_GAUGE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

export function dispatcherOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 100);
}

/**
 * Claims due deliveries in batches under a lease, sends them outside any transaction with at
 * most perSubscriptionInFlight requests per subscription (and maxInFlight in all), and records
 * the results in batches. A lease that ends (a killed process) makes its deliveries due again
 * for any dispatcher: at least once, never zero. Several dispatchers share one store safely: a
 * row is claimed by one of them at a time (SKIP LOCKED / READPAST) and leased to it.
 */
export class Dispatcher implements Component {
  readonly name = 'delivery';
  readonly owner: string;
  readonly #circuits: CircuitBreakers;
  readonly #held = new Map<number, Held>();
  readonly #heldPerSubscription = new Map<number, number>();
  readonly #queues = new Map<number, PQueue>();
  /** Results and cancels waiting to be written, with the ids they settle. */
  #outcomes: AttemptOutcome[] = [];
  #cancels: DeliveryUpdateRow[] = [];
  /** Deliveries to give back unsent, by the time they fall due again. */
  #releases = new Map<string, number[]>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #renewTimer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  #nudged = false;
  #lastClaimError: string | undefined;
  #claimFailures = 0;
  #stopping = false;
  #closed = false;
  readonly #outage: OutageLog;
  /** Result writes fail apart from claims (a refused row, a locked table): their own outage. */
  readonly #resultOutage: OutageLog;
  /**
   * Subscriptions this process disabled (410 Gone, failing too long) whose disabling is not yet
   * written: nothing more is sent to them, and what was queued for them is cancelled.
   */
  readonly #stopped = new Set<number>();
  readonly #now: () => Date;
  readonly #random: () => number;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly deps: DispatcherDeps,
  ) {
    this.owner = deps.owner ?? dispatcherOwner();
    this.#now = deps.now ?? (() => new Date());
    this.#random = deps.random ?? Math.random;
    this.#circuits = new CircuitBreakers(
      options.circuit,
      () => this.#now().getTime(),
      (id, state) => this.#circuitChanged(id, state),
    );
    this.#outage = new OutageLog(deps.logger, 'delivery: the store database', this.#now);
    this.#resultOutage = new OutageLog(deps.logger, 'delivery: the store database (recording results)', this.#now);
  }

  /**
   * The most deliveries held for one subscription, so a slow endpoint cannot fill the process's
   * room while healthy ones wait: 20 times its requests in flight, and never more than a fifth
   * of the process's room however many requests one subscription may have in flight.
   */
  get #backlogCap(): number {
    return Math.max(1, Math.min(this.options.perSubscriptionInFlight * 20, Math.floor(this.options.maxInFlight / 5)));
  }

  /** Deliveries claimed and not yet settled in the store. */
  get heldCount(): number {
    return this.#held.size;
  }

  circuitState(subscriptionId: number): CircuitStateName {
    return this.#circuits.state(subscriptionId);
  }

  async start(): Promise<void> {
    this.#renewTimer = setInterval(() => void this.keepLeases(), Math.max(1000, Math.floor(this.options.leaseMs / 3)));
    this.#renewTimer.unref();
    this.#loop = this.#run();
  }

  /** Stops claiming, lets requests in flight finish (within stopGraceMs), records them, gives the rest back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#sleepTimer);
    this.#wake?.();
    await this.#loop;
    // Queued, not yet sent: give back at once so another instance can take them.
    for (const queue of this.#queues.values()) queue.clear();
    const unsent = [...this.#held.values()].filter((h) => !h.sending).map((h) => h.claimed);
    for (const claimed of unsent) this.#release(claimed, this.#now());
    const inFlight = Promise.all([...this.#queues.values()].map((queue) => queue.onIdle()));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, this.options.stopGraceMs)));
    await Promise.race([inFlight, grace]);
    clearTimeout(graceTimer);
    // Whatever is still sending is given back too: its lease is cleared, so it is sent again soon.
    for (const held of [...this.#held.values()]) if (held.sending) this.#release(held.claimed, this.#now());
    await this.flush();
    this.#closed = true;
    clearInterval(this.#renewTimer);
    clearTimeout(this.#flushTimer);
  }

  /**
   * Claims one batch and queues its sends; returns how many were claimed. The service's loop
   * calls it; tests call it directly with an injected clock.
   */
  async claimOnce(): Promise<number> {
    const room = Math.min(this.options.batchSize, this.options.maxInFlight - this.#held.size);
    if (room <= 0 || this.#stopping) return 0;
    const now = this.#now();
    const perSubscription = new Map<number, number>();
    for (const [id, count] of this.#heldPerSubscription) perSubscription.set(id, Math.max(0, this.#backlogCap - count));
    for (const id of this.#circuits.blocked()) perSubscription.set(id, 0);
    // A paused endpoint gets its one probe; claiming its backlog would only churn leases (claimed,
    // then given back unsent) and hold up the claims of healthy endpoints.
    for (const id of this.#circuits.probing()) perSubscription.set(id, Math.min(1, perSubscription.get(id) ?? 1));
    const claimed = await this.deps.store.dialect.delivery.claim(this.deps.store.db, {
      owner: this.owner,
      limit: room,
      now,
      leaseUntil: new Date(now.getTime() + this.options.leaseMs),
      room: [...perSubscription].map(([s, n]) => ({ s, n })),
      defaultRoom: this.#backlogCap,
    });
    if (claimed.length === 0) return 0;
    for (const delivery of claimed) this.#hold(delivery);
    let targets: Map<number, DeliveryTarget>;
    try {
      targets = await loadDeliveryTargets(this.deps.store, [...new Set(claimed.map((d) => d.subscriptionId))], now);
    } catch (error) {
      for (const delivery of claimed) this.#release(delivery, now);
      throw error;
    }
    const bodies = new Map<number, EventBody>();
    for (const delivery of claimed) {
      const target = targets.get(delivery.subscriptionId);
      if (!target?.enabled || this.#stopped.has(delivery.subscriptionId)) this.#cancel(delivery, 'subscription disabled');
      else if (!delivery.event) this.#cancel(delivery, 'event no longer in the outbox');
      else if (!target.secrets) {
        this.deps.logger.warn(`subscription ${target.id}: ${target.secretProblem}; delivery ${delivery.deliveryId} cancelled`, {
          component: this.name,
        });
        this.#cancel(delivery, target.secretProblem ?? 'no signing secret');
      } else {
        // Both subscriptions of one event send the same bytes: build them once per claim.
        const body = bodies.get(delivery.eventId) ?? { type: delivery.event.EventType, json: envelopeJson(delivery.event) };
        bodies.set(delivery.eventId, body);
        const secrets = target.secrets;
        void this.#queue(delivery.subscriptionId).add(() => this.#deliver(delivery, target.url, secrets, body));
      }
    }
    return claimed.length;
  }

  /** Resolves when every claimed delivery has been sent and its result written. */
  async settled(): Promise<void> {
    while (this.#held.size > 0) {
      await Promise.all([...this.#queues.values()].map((queue) => queue.onIdle()));
      await this.flush();
    }
    await this.flush();
  }

  /** Writes the results gathered so far (one transaction), then the releases. */
  flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #run(): Promise<void> {
    // Work committed by another instance arrives with no nudge where the store has no
    // LISTEN (SQL Server): while claims keep finding work, poll again soon.
    const schedule = new AdaptiveDelay(this.options.minPollIntervalMs ?? this.options.pollIntervalMs, this.options.pollIntervalMs);
    while (!this.#stopping) {
      let delayMs: number;
      try {
        const claimed = await this.claimOnce();
        this.#outage.succeeded();
        this.#lastClaimError = undefined;
        this.#claimFailures = 0;
        // A full claim means more is due: go again at once while a batch still fits.
        if (claimed === this.options.batchSize && this.options.maxInFlight - this.#held.size >= this.options.batchSize) continue;
        delayMs = schedule.next(claimed > 0);
      } catch (error) {
        if (isTransientDatabaseError(error)) delayMs = this.#outage.failed(error);
        else {
          // A fault that will not pass by itself (a schema edited by hand, say): say so once per
          // distinct message, and back off rather than fill the log every poll.
          const message = (error as Error).message;
          if (message !== this.#lastClaimError) this.deps.logger.error(`claiming deliveries failed: ${message}`, { component: this.name });
          this.#lastClaimError = message;
          delayMs = backoffMs(this.#claimFailures++);
        }
      }
      await this.#sleep(delayMs);
    }
  }

  /**
   * Asks the loop for a claim now (capture just committed deliveries); remembered when the loop
   * is busy, so no wake is lost.
   */
  nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping || this.#nudged) {
      this.#nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#wake = () => {
        clearTimeout(this.#sleepTimer);
        this.#wake = undefined;
        resolve();
      };
      this.#sleepTimer = setTimeout(() => this.#wake?.(), ms);
    });
  }

  #queue(subscriptionId: number): PQueue {
    let queue = this.#queues.get(subscriptionId);
    if (!queue) {
      queue = new PQueue({ concurrency: this.options.perSubscriptionInFlight });
      this.#queues.set(subscriptionId, queue);
    }
    return queue;
  }

  #hold(claimed: ClaimedDelivery): void {
    this.#held.set(claimed.deliveryId, { claimed, sending: false });
    this.#heldPerSubscription.set(claimed.subscriptionId, (this.#heldPerSubscription.get(claimed.subscriptionId) ?? 0) + 1);
  }

  /** Frees the slot; the lease stays until the result is written. */
  #unhold(claimed: ClaimedDelivery): void {
    if (!this.#held.delete(claimed.deliveryId)) return;
    const left = (this.#heldPerSubscription.get(claimed.subscriptionId) ?? 1) - 1;
    if (left > 0) this.#heldPerSubscription.set(claimed.subscriptionId, left);
    else this.#heldPerSubscription.delete(claimed.subscriptionId);
    // Wake a waiting loop only when a claim can take a good share: half a subscription's room,
    // or a whole batch of the process's, came free. Waking on every completion would claim a
    // row at a time.
    if (left === Math.floor(this.#backlogCap / 2) || this.options.maxInFlight - this.#held.size === this.options.batchSize) this.nudge();
  }

  async #deliver(claimed: ClaimedDelivery, url: string, secrets: SigningSecrets, body: EventBody): Promise<void> {
    const held = this.#held.get(claimed.deliveryId);
    if (!held || this.#stopping) return;
    if (this.#stopped.has(claimed.subscriptionId)) {
      this.#cancel(claimed, 'subscription disabled');
      return;
    }
    if (!this.#circuits.tryAcquire(claimed.subscriptionId)) {
      this.#release(claimed, new Date(this.#circuits.retryAt(claimed.subscriptionId)));
      return;
    }
    held.sending = true;
    const attemptedAt = this.#now();
    const number = claimed.attemptCount + 1;
    const result = await this.deps.sender.send({
      url,
      body: body.json,
      headers: webhookHeaders(secrets, {
        id: String(claimed.eventId),
        sentAt: attemptedAt,
        body: body.json,
        type: body.type,
        attempt: number,
      }),
    });
    if (this.#closed || !this.#held.has(claimed.deliveryId)) return;
    const outcome = settleAttempt(claimed, result, this.options, attemptedAt, this.#random);
    attemptDurationSeconds.observe({ outcome: outcome.verdict === 'succeeded' ? 'success' : 'failure' }, result.elapsedMs / 1000);
    deliveriesTotal.inc({ outcome: outcome.verdict === 'retry' ? 'retried' : outcome.verdict });
    if (outcome.verdict === 'succeeded') this.#circuits.succeeded(claimed.subscriptionId);
    else if (outcome.verdict !== 'gone') this.#circuits.failed(claimed.subscriptionId);
    this.#outcomes.push(outcome);
    this.#unhold(claimed);
    if (outcome.verdict === 'gone') {
      this.#stopped.add(claimed.subscriptionId);
      this.#cancelQueued(claimed.subscriptionId);
    }
    this.#scheduleFlush();
  }

  /** The subscription is disabled: what waits in its queue is cancelled, not sent. */
  #cancelQueued(subscriptionId: number): void {
    for (const { claimed, sending } of [...this.#held.values()]) {
      if (claimed.subscriptionId === subscriptionId && !sending) this.#cancel(claimed, 'subscription disabled');
    }
  }

  #cancel(claimed: ClaimedDelivery, reason: string): void {
    const now = utcStoreText(this.#now());
    this.#cancels.push({ d: claimed.deliveryId, st: 'cancelled', n: claimed.attemptCount, next: now, h: null, err: reason, done: now });
    deliveriesTotal.inc({ outcome: 'cancelled' });
    this.#unhold(claimed);
    this.#scheduleFlush();
  }

  #release(claimed: ClaimedDelivery, due: Date): void {
    const key = due.toISOString();
    const ids = this.#releases.get(key) ?? [];
    ids.push(claimed.deliveryId);
    this.#releases.set(key, ids);
    this.#unhold(claimed);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
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
    const now = this.#now();
    const options = { owner: this.owner, now, failingCutoff: new Date(now.getTime() - this.options.disableAfterFailingDays * 86_400_000) };
    // Never rejects: a rejected write would end the flush chain, and with it every later write.
    const report = await writeResults(this.deps.store, { outcomes, cancels }, options).catch((fault: unknown) => ({
      disabled: [],
      withoutBody: [],
      dropped: [],
      unwritten: { outcomes, cancels },
      fault,
    }));
    for (const { subscriptionId, reason } of report.disabled) {
      this.deps.logger.warn(`subscription ${subscriptionId} disabled: ${reason}`, { component: this.name });
      this.#cancelQueued(subscriptionId);
    }
    // Written (or refused for good): from now on the claim itself passes a disabled subscription over.
    const unwritten = new Set(report.unwritten.outcomes);
    for (const outcome of outcomes) if (outcome.verdict === 'gone' && !unwritten.has(outcome)) this.#stopped.delete(outcome.attempt.s);
    if (report.withoutBody.length > 0) {
      this.deps.logger.warn(`the store refused the response body of deliveries ${report.withoutBody.join(', ')}: recorded without it`, {
        component: this.name,
      });
    }
    if (report.dropped.length > 0) {
      this.deps.logger.warn(
        `the store refused the results of deliveries ${report.dropped.map((d) => d.deliveryId).join(', ')} (${report.dropped[0]?.error}): not recorded, sent again when their leases end`,
        { component: this.name },
      );
    }
    let fault = report.fault;
    if (fault === undefined) {
      try {
        for (const [due, ids] of releases) await releaseLeases(this.deps.store, this.owner, ids, new Date(due));
      } catch (error) {
        fault = error;
      }
    }
    if (fault === undefined) {
      this.#resultOutage.succeeded();
      return;
    }
    // Keep them for the next write; if this process dies first, the leases end and the
    // deliveries are sent again (at least once). Logged once per outage, however long it lasts.
    this.#outcomes = [...report.unwritten.outcomes, ...this.#outcomes];
    this.#cancels = [...report.unwritten.cancels, ...this.#cancels];
    for (const [due, ids] of releases) this.#releases.set(due, [...ids, ...(this.#releases.get(due) ?? [])]);
    const delayMs = this.#resultOutage.failed(fault);
    if (!this.#stopping) this.#flushTimer ??= setTimeout(() => void this.flush(), delayMs);
  }

  /**
   * Renews the leases of the deliveries held here, and lets go of those whose lease was taken
   * away (their subscription disabled through the API, say): they are not sent. The timer calls
   * it every third of a lease; tests call it directly.
   */
  async keepLeases(): Promise<void> {
    const ids = [...this.#held.keys()];
    if (ids.length === 0 || this.#closed) return;
    try {
      await renewLeases(this.deps.store, this.owner, ids, new Date(this.#now().getTime() + this.options.leaseMs));
      const leased = await leasedDeliveries(this.deps.store, this.owner, ids);
      for (const id of ids) {
        const held = this.#held.get(id);
        if (held && !held.sending && !leased.has(id)) this.#unhold(held.claimed);
      }
    } catch (error) {
      this.deps.logger.warn(`renewing delivery leases failed: ${(error as Error).message}`, { component: this.name });
    }
  }

  #circuitChanged(subscriptionId: number, state: CircuitStateName): void {
    circuitState.set({ subscription: String(subscriptionId) }, CIRCUIT_GAUGE[state]);
    const message = `subscription ${subscriptionId}: circuit ${state}`;
    if (state === 'open') this.deps.logger.warn(`${message} after repeated failures; probing again later`, { component: this.name });
    else this.deps.logger.info(message, { component: this.name });
  }
}
