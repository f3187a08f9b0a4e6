import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import type { OutboxSignal } from '../outbox/outbox-signal.js';
import { AdaptiveDelay } from '../kernel/adaptive-delay.js';
import type { OutboxPosition } from '../db/ports/api.js';

/** Most events one scan reads; a full scan reads again at once. */
const SCAN_LIMIT = 1000;
/** After a signal or a scan that found events, the next scan comes this soon, doubling to the idle poll. */
const FAST_SCAN_MS = 10;
/**
 * For this long after a signal, scans that find nothing come every CHASE_SCAN_MS instead of
 * doubling: the signalled commit is in the store but may not be visible yet (on the PostgreSQL
 * server, until every older transaction of the server has ended), and a doubling poll would wait
 * about as long again as that transaction took.
 */
const CHASE_MS = 1000;
const CHASE_SCAN_MS = 20;

export interface EventWatchOptions {
  /** How often the store is scanned while pollers wait and no signal comes (other instances' commits). */
  idlePollMs: number;
}

/** One long poller's place in the watch. */
export interface Waiter {
  /**
   * Resolves when an event of the waiter's types became visible since the last call (at once if
   * one did already), when ms have passed, or when aborted.
   */
  next(ms: number, abort: AbortSignal): Promise<void>;
  /** Leaves the watch; called once, whatever happened. */
  release(): void;
}

interface Entry {
  types: ReadonlySet<string>;
  woken: boolean;
  wake: (() => void) | undefined;
}

/**
 * Watches the outbox for newly visible events on behalf of every long poller of this process,
 * with one statement per scan however many wait: a scan reads only types and positions past the
 * newest event it has seen, and wakes the pollers whose types it found, which then read their own
 * page. Scans run on the outbox signal (capture in this process; on PostgreSQL in any instance)
 * and, while anyone waits, on an adaptive poll: fast just after a signal or a find (an event
 * committed behind an older open transaction becomes visible a little later), backing off to
 * idlePollMs. Nothing runs and no connection is held while nobody waits.
 */
export class EventWatch {
  readonly #entries = new Set<Entry>();
  readonly #schedule: AdaptiveDelay;
  #head: OutboxPosition | undefined;
  #starting: Promise<void> | undefined;
  #scanning = false;
  #rescan = false;
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #plannedMs: number | undefined;
  #scans = 0;
  /** performance.now() of the last signal, heard whether or not anyone waited. */
  #signalledAt = -Infinity;
  #lastError: string | undefined;
  #closed = false;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Database,
    private readonly logger: Logger,
    private readonly options: EventWatchOptions,
    signal?: OutboxSignal,
  ) {
    this.#schedule = new AdaptiveDelay(FAST_SCAN_MS, options.idlePollMs);
    this.#unsubscribe = signal?.subscribe(() => {
      this.#signalledAt = performance.now();
      if (this.#entries.size === 0) return;
      this.#schedule.next(true);
      this.#scan();
    });
  }

  /** Long pollers waiting now. */
  get waiting(): number {
    return this.#entries.size;
  }

  /** Scans finished (each followed by the plan of the next) since the watch was made. */
  get scans(): number {
    return this.#scans;
  }

  /** The delay of the scan planned last. */
  get plannedScanMs(): number | undefined {
    return this.#plannedMs;
  }

  /**
   * Joins the watch before the caller reads its page, so an event that becomes visible between
   * that read and the wait still wakes it. `types` empty means every type.
   */
  async register(types: readonly string[]): Promise<Waiter> {
    if (this.#head === undefined) {
      // The first waiter: learn where the outbox ends now; later events are found by scans.
      this.#starting ??= this.#newest().finally(() => (this.#starting = undefined));
      await this.#starting;
    }
    const entry: Entry = { types: new Set(types), woken: false, wake: undefined };
    this.#entries.add(entry);
    // A signal just before this poller came (while nobody waited) may be for an event not yet visible.
    this.#plan(this.#chasing() ? CHASE_SCAN_MS : this.options.idlePollMs);
    let released = false;
    return {
      next: (ms, abort) => {
        if (entry.woken || abort.aborted || this.#closed) {
          entry.woken = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            abort.removeEventListener('abort', done);
            entry.wake = undefined;
            entry.woken = false;
            resolve();
          };
          const timer = setTimeout(done, ms);
          abort.addEventListener('abort', done, { once: true });
          entry.wake = done;
        });
      },
      release: () => {
        if (released) return;
        released = true;
        this.#entries.delete(entry);
        if (this.#entries.size === 0) this.#idle();
      },
    };
  }

  /** Closed (the server is stopping): pollers answer with what they have instead of waiting. */
  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    for (const entry of this.#entries) entry.wake?.();
    this.#entries.clear();
    this.#idle();
  }

  async #newest(): Promise<void> {
    const [row] = await this.store.dialect.api.pageEvents(this.store.db, {
      after: { key: null, eventId: 0 },
      types: [],
      limit: 1,
      order: 'desc',
    });
    this.#head ??= row ? { key: row.Position, eventId: Number(row.EventId) } : { key: null, eventId: 0 };
  }

  /** Nobody waits: stop scanning and forget the head, which would go stale. */
  #idle(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#head = undefined;
  }

  /** Plans a scan in ms unless one is planned sooner. */
  #plan(ms: number): void {
    if (this.#entries.size === 0) return;
    const due = performance.now() + ms;
    if (this.#timer !== undefined && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#plannedMs = ms;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#scan();
    }, ms);
  }

  /** Scans now, or right after the scan in flight. */
  #scan(): void {
    if (this.#scanning) {
      this.#rescan = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#scanning = true;
    void this.#scanUntilCurrent().finally(() => {
      this.#scanning = false;
      if (this.#rescan) {
        this.#rescan = false;
        this.#scan();
      }
    });
  }

  async #scanUntilCurrent(): Promise<void> {
    let found = false;
    try {
      for (;;) {
        const head = this.#head;
        if (head === undefined || this.#entries.size === 0) return;
        const rows = await this.store.dialect.api.visibleSince(this.store.db, head, SCAN_LIMIT);
        const last = rows.at(-1);
        // The watch went idle (and maybe restarted) during the read: its head is not this one's.
        if (last === undefined || this.#head !== head) break;
        found = true;
        this.#head = { key: last.Position, eventId: Number(last.EventId) };
        this.#wake(new Set(rows.map((row) => row.EventType)));
        if (rows.length < SCAN_LIMIT) break;
      }
      this.#lastError = undefined;
    } catch (error) {
      // Pollers still answer at their time limit; say once what keeps them from waking early.
      const message = (error as Error).message;
      if (message !== this.#lastError) this.logger.warn(`long poll watch: reading the outbox failed: ${message}`, { component: 'http' });
      this.#lastError = message;
    }
    const delayMs = this.#schedule.next(found);
    this.#plan(!found && this.#chasing() ? Math.min(delayMs, CHASE_SCAN_MS) : delayMs);
    this.#scans += 1;
  }

  /** A signal came lately: what it announced may still be on its way to being visible. */
  #chasing(): boolean {
    return performance.now() - this.#signalledAt < CHASE_MS;
  }

  #wake(types: ReadonlySet<string>): void {
    for (const entry of this.#entries) {
      if (entry.types.size > 0 && ![...entry.types].some((type) => types.has(type))) continue;
      entry.woken = true;
      entry.wake?.();
    }
  }
}
