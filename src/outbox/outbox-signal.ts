/**
 * "The outbox has new work": raised by whatever appends events (the capture loop after each
 * commit), heard by whatever waits for them (the dispatcher, long pollers). Listeners are only
 * hints to look now; each still reads the store for what is really there, so a lost or spurious
 * signal costs time or a query, never an event.
 */
export class OutboxSignal {
  readonly #listeners = new Set<() => void>();
  #publish: (() => void) | undefined;

  /** Calls listener on every signal until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Work was committed in this process: tell local listeners, and other instances when bridged. */
  appended(): void {
    this.received();
    this.#publish?.();
  }

  /** Another instance committed work (or a bridge lost track and wants everyone to look). */
  received(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Set by the cross-instance bridge: how appended() reaches other instances. */
  bridge(publish: (() => void) | undefined): void {
    this.#publish = publish;
  }
}
