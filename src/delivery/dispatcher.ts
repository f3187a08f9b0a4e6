import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { Database } from '../db/connect.js';
import { utcStoreText } from '../db/wall-clock.js';
import type { Logger } from '../logging/logger.js';
import type { Component } from '../kernel/component.js';
import { AdaptiveDelay } from '../kernel/adaptive-delay.js';
import { backoffMs, isTransientDatabaseError, OutageLog } from '../kernel/outage.js';
import { CircuitBreakers, type CircuitOptions, type CircuitStateName } from './circuit.js';
import type { ClaimedDelivery } from '../db/ports/delivery.js';
import { type DeliveryMetrics, noDeliveryMetrics } from './delivery-metrics.js';
import { envelopeJson } from '../outbox/envelope.js';
import { leasedDeliveries, renewLeases } from './delivery-store.js';
import { HeldSlots } from './held-slots.js';
import type { SendRequest, SendResult } from './http-sender.js';
import { settleAttempt } from './outcome.js';
import { ResultBuffer } from './result-buffer.js';
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
  /** Where attempts, outcomes and circuit changes are counted; nowhere when left out. */
  metrics?: DeliveryMetrics;
}

/** The exact bytes sent and signed, the same on every retry, and the event's type. */
interface EventBody {
  type: string;
  json: string;
}

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
  readonly #held: HeldSlots;
  readonly #results: ResultBuffer;
  readonly #queues = new Map<number, PQueue>();
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
  /**
   * Subscriptions this process disabled (410 Gone, failing too long) whose disabling is not yet
   * written: nothing more is sent to them, and what was queued for them is cancelled.
   */
  readonly #stopped = new Set<number>();
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #metrics: DeliveryMetrics;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly deps: DispatcherDeps,
  ) {
    this.owner = deps.owner ?? dispatcherOwner();
    this.#now = deps.now ?? (() => new Date());
    this.#random = deps.random ?? Math.random;
    this.#metrics = deps.metrics ?? noDeliveryMetrics;
    this.#circuits = new CircuitBreakers(
      options.circuit,
      () => this.#now().getTime(),
      (id, state) => this.#circuitChanged(id, state),
    );
    this.#outage = new OutageLog(deps.logger, 'delivery: the store database', this.#now);
    this.#held = new HeldSlots({ backlogCap: this.#backlogCap, maxInFlight: options.maxInFlight, batchSize: options.batchSize }, () =>
      this.nudge(),
    );
    this.#results = new ResultBuffer(options, {
      store: deps.store,
      logger: deps.logger,
      owner: this.owner,
      now: this.#now,
      stopping: () => this.#stopping,
      disabled: (subscriptionId) => this.#cancelQueued(subscriptionId),
      goneWritten: (subscriptionId) => this.#stopped.delete(subscriptionId),
    });
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
    const unsent = this.#held
      .all()
      .filter((h) => !h.sending)
      .map((h) => h.claimed);
    for (const claimed of unsent) this.#release(claimed, this.#now());
    const inFlight = Promise.all([...this.#queues.values()].map((queue) => queue.onIdle()));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, this.options.stopGraceMs)));
    await Promise.race([inFlight, grace]);
    clearTimeout(graceTimer);
    // Whatever is still sending is given back too: its lease is cleared, so it is sent again soon.
    for (const held of this.#held.all()) if (held.sending) this.#release(held.claimed, this.#now());
    await this.flush();
    this.#closed = true;
    this.#results.close();
    clearInterval(this.#renewTimer);
  }

  /**
   * Claims one batch and queues its sends; returns how many were claimed. The service's loop
   * calls it; tests call it directly with an injected clock.
   */
  async claimOnce(): Promise<number> {
    const room = Math.min(this.options.batchSize, this.options.maxInFlight - this.#held.size);
    if (room <= 0 || this.#stopping) return 0;
    const now = this.#now();
    const perSubscription = this.#held.roomBySubscription();
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
    for (const delivery of claimed) this.#held.hold(delivery);
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
    return this.#results.flush();
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
    this.#metrics.attempted(outcome.verdict === 'succeeded' ? 'success' : 'failure', result.elapsedMs / 1000);
    this.#metrics.settled(outcome.verdict === 'retry' ? 'retried' : outcome.verdict);
    if (outcome.verdict === 'succeeded') this.#circuits.succeeded(claimed.subscriptionId);
    else if (outcome.verdict !== 'gone') this.#circuits.failed(claimed.subscriptionId);
    this.#results.addOutcome(outcome);
    this.#held.free(claimed);
    if (outcome.verdict === 'gone') {
      this.#stopped.add(claimed.subscriptionId);
      this.#cancelQueued(claimed.subscriptionId);
    }
  }

  /** The subscription is disabled: what waits in its queue is cancelled, not sent. */
  #cancelQueued(subscriptionId: number): void {
    for (const { claimed, sending } of this.#held.all()) {
      if (claimed.subscriptionId === subscriptionId && !sending) this.#cancel(claimed, 'subscription disabled');
    }
  }

  #cancel(claimed: ClaimedDelivery, reason: string): void {
    const now = utcStoreText(this.#now());
    this.#results.addCancel({
      d: claimed.deliveryId,
      st: 'cancelled',
      n: claimed.attemptCount,
      next: now,
      h: null,
      err: reason,
      done: now,
    });
    this.#metrics.settled('cancelled');
    this.#held.free(claimed);
  }

  #release(claimed: ClaimedDelivery, due: Date): void {
    this.#results.addRelease(claimed.deliveryId, due);
    this.#held.free(claimed);
  }

  /**
   * Renews the leases of the deliveries held here, and lets go of those whose lease was taken
   * away (their subscription disabled through the API, say): they are not sent. The timer calls
   * it every third of a lease; tests call it directly.
   */
  async keepLeases(): Promise<void> {
    const ids = this.#held.ids();
    if (ids.length === 0 || this.#closed) return;
    try {
      await renewLeases(this.deps.store, this.owner, ids, new Date(this.#now().getTime() + this.options.leaseMs));
      const leased = await leasedDeliveries(this.deps.store, this.owner, ids);
      for (const id of ids) {
        const held = this.#held.get(id);
        if (held && !held.sending && !leased.has(id)) this.#held.free(held.claimed);
      }
    } catch (error) {
      this.deps.logger.warn(`renewing delivery leases failed: ${(error as Error).message}`, { component: this.name });
    }
  }

  #circuitChanged(subscriptionId: number, state: CircuitStateName): void {
    this.#metrics.circuitChanged(subscriptionId, state);
    const message = `subscription ${subscriptionId}: circuit ${state}`;
    if (state === 'open') this.deps.logger.warn(`${message} after repeated failures; probing again later`, { component: this.name });
    else this.deps.logger.info(message, { component: this.name });
  }
}
