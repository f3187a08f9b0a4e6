import type { ClaimedDelivery } from '../db/ports/delivery.js';

/** A claimed delivery while this process holds it. */
export interface Held {
  claimed: ClaimedDelivery;
  sending: boolean;
}

export interface SlotLimits {
  /** The most deliveries held for one subscription. */
  backlogCap: number;
  maxInFlight: number;
  batchSize: number;
}

/**
 * The deliveries this process holds, in all and per subscription: what a claim may still take,
 * and when enough came free for the next claim to be worth it.
 */
export class HeldSlots {
  readonly #held = new Map<number, Held>();
  readonly #perSubscription = new Map<number, number>();

  constructor(
    private readonly limits: SlotLimits,
    /** Called when a claim can take a good share again. */
    private readonly roomFreed: () => void,
  ) {}

  get size(): number {
    return this.#held.size;
  }

  get(deliveryId: number): Held | undefined {
    return this.#held.get(deliveryId);
  }

  has(deliveryId: number): boolean {
    return this.#held.has(deliveryId);
  }

  ids(): number[] {
    return [...this.#held.keys()];
  }

  all(): Held[] {
    return [...this.#held.values()];
  }

  /** How many more each subscription with deliveries held here may be given by a claim. */
  roomBySubscription(): Map<number, number> {
    const room = new Map<number, number>();
    for (const [id, count] of this.#perSubscription) room.set(id, Math.max(0, this.limits.backlogCap - count));
    return room;
  }

  hold(claimed: ClaimedDelivery): void {
    this.#held.set(claimed.deliveryId, { claimed, sending: false });
    this.#perSubscription.set(claimed.subscriptionId, (this.#perSubscription.get(claimed.subscriptionId) ?? 0) + 1);
  }

  /** Frees the slot; the lease stays until the result is written. */
  free(claimed: ClaimedDelivery): void {
    if (!this.#held.delete(claimed.deliveryId)) return;
    const left = (this.#perSubscription.get(claimed.subscriptionId) ?? 1) - 1;
    if (left > 0) this.#perSubscription.set(claimed.subscriptionId, left);
    else this.#perSubscription.delete(claimed.subscriptionId);
    // Wake a waiting loop only when a claim can take a good share: half a subscription's room,
    // or a whole batch of the process's, came free. Waking on every completion would claim a
    // row at a time.
    const { backlogCap, maxInFlight, batchSize } = this.limits;
    if (left === Math.floor(backlogCap / 2) || maxInFlight - this.#held.size === batchSize) this.roomFreed();
  }
}
