import { Mutex, type MutexInterface } from 'async-mutex';

/**
 * PGlite has one backend session. The service's own queries and the clients served over the
 * socket take turns on it: each holds the gate for a whole unit of work — a Kysely connection
 * from acquire to release (a query, or a transaction), a socket client until the session is idle
 * again (ReadyForQuery 'I') — so no statement of one runs inside another's transaction or
 * between another's Parse and Sync.
 */
export class SessionGate {
  readonly #mutex = new Mutex();
  #holder: unknown = null;
  #release: MutexInterface.Releaser | null = null;

  /** Waits for the gate unless `holder` has it already. */
  async enter(holder: unknown): Promise<void> {
    if (this.#holder === holder && this.#release) return;
    const release = await this.#mutex.acquire();
    this.#holder = holder;
    this.#release = release;
  }

  /** Gives the gate back if `holder` has it. */
  leave(holder: unknown): void {
    if (this.#holder !== holder || !this.#release) return;
    const release = this.#release;
    this.#holder = null;
    this.#release = null;
    release();
  }

  holds(holder: unknown): boolean {
    return this.#holder === holder && this.#release !== null;
  }
}
