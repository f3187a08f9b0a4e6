import type { AppendResult } from '../outbox/append-events.js';
import type { EventType } from '../outbox/event-types.js';

/** Where the capture loop reports what it wrote; the service feeds its Prometheus metrics from it. */
export interface CaptureMetrics {
  captured(type: EventType, count: number): void;
  /** Seconds from the newest change written in the last pass to its end; 0 when it found nothing new. */
  lag(seconds: number): void;
  /** Keys of the object's ranges still pending after its last cycle. */
  gapKeysPending(source: string, keys: number): void;
  /** Keys given up: missing longer than capture.gapTimeoutMs. */
  gapKeysExpired(source: string, keys: number): void;
}

export const noCaptureMetrics: CaptureMetrics = {
  captured: () => undefined,
  lag: () => undefined,
  gapKeysPending: () => undefined,
  gapKeysExpired: () => undefined,
};

/** One pass of the loop: counts as each cycle commits, the lag when the pass has drained every object. */
export class PassTally {
  #newestUtc: Date | undefined;

  constructor(private readonly metrics: CaptureMetrics) {}

  add(results: readonly AppendResult[]): void {
    for (const result of results) {
      for (const [type, count] of result.byType) this.metrics.captured(type, count);
      if (result.newestUtc && (!this.#newestUtc || result.newestUtc > this.#newestUtc)) this.#newestUtc = result.newestUtc;
    }
  }

  /** A source date ahead of the clock (a skewed CRM server) is no lag, not a negative one. */
  end(now: Date): void {
    this.metrics.lag(this.#newestUtc ? Math.max(0, (now.getTime() - this.#newestUtc.getTime()) / 1000) : 0);
  }
}
