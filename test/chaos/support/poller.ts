import { sleep } from './crm-writer.js';

interface Page {
  data: { id: number | string }[];
  next_cursor: string | null;
}

/**
 * A poller as an integration would run one: GET /api/v1/events with the cursor it kept, from
 * whichever instance answers, retrying the same cursor after a connection error or a 5xx.
 */
export class EventPoller {
  readonly seen = new Map<string, number>();
  /** 5xx answers other than 503 (a 503 with Retry-After is the right answer while the store is down). */
  readonly serverErrors: number[] = [];
  unavailable = 0;
  #cursor: string | null = null;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly baseUrls: () => string[],
    private readonly apiKey: string,
  ) {}

  /** Reads one page; true when it was empty. */
  async poll(): Promise<boolean> {
    for (const base of this.baseUrls()) {
      const query = new URLSearchParams({ limit: '500' });
      if (this.#cursor) query.set('cursor', this.#cursor);
      let response: Response;
      try {
        response = await fetch(`${base}/api/v1/events?${query}`, { headers: { authorization: `Bearer ${this.apiKey}` } });
      } catch {
        continue; // that instance is down: ask the next
      }
      if (response.status === 503) this.unavailable++;
      else if (response.status >= 500) this.serverErrors.push(response.status);
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      const page = (await response.json()) as Page;
      for (const event of page.data) this.seen.set(String(event.id), (this.seen.get(String(event.id)) ?? 0) + 1);
      if (page.next_cursor) this.#cursor = page.next_cursor;
      return page.data.length === 0;
    }
    await sleep(200);
    return false;
  }

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopping) {
        if (await this.poll()) await sleep(100);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }

  /** Events seen more than once. */
  duplicates(): number {
    let extra = 0;
    for (const count of this.seen.values()) extra += count - 1;
    return extra;
  }
}
