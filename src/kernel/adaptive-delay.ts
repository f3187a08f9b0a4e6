/**
 * A poll interval that is short while polls keep finding work and doubles back to the idle
 * interval once they stop: work in a stream is picked up within about minMs, an idle poll costs
 * one look per maxMs.
 */
export class AdaptiveDelay {
  #currentMs: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.#currentMs = maxMs;
  }

  /** The wait last planned: maxMs once polls have stopped finding work. */
  get currentMs(): number {
    return this.#currentMs;
  }

  /** The wait before the next poll, given whether this one found work. */
  next(found: boolean): number {
    this.#currentMs = found ? Math.min(this.minMs, this.maxMs) : Math.min(this.maxMs, this.#currentMs * 2);
    return this.#currentMs;
  }
}
