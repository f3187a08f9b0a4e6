import { deliveryMetrics } from '../../src/api/metrics.js';
import { validateConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Database } from '../../src/db/connect.js';
import type { LookupAll } from '../../src/delivery/address-guard.js';
import { dispatcherOptions, httpSender } from '../../src/delivery/delivery-service.js';
import { Dispatcher, type DispatcherOptions, type Sender } from '../../src/delivery/dispatcher.js';
import type { HttpSender } from '../../src/delivery/http-sender.js';
import { silentLogger, type Logger } from '../../src/logging/logger.js';

/** Real time plus whatever a test has moved it forward: retries and leases without sleeping. */
export class TestClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestDispatcher {
  dispatcher: Dispatcher;
  sender: HttpSender;
  clock: TestClock;
  /** Claims and sends until nothing is due now; returns how many deliveries were claimed. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export interface TestDispatcherOptions {
  config?: ConfigInput;
  options?: Partial<DispatcherOptions>;
  clock?: TestClock;
  logger?: Logger;
  owner?: string;
  lookup?: LookupAll;
  /** Wraps the real sender (to watch or hold requests). */
  wrap?: (sender: Sender) => Sender;
  random?: () => number;
}

/** A dispatcher on a real store and a real undici sender, driven by the test (no loop). */
export function testDispatcher(store: Database, setup: TestDispatcherOptions = {}): TestDispatcher {
  const config = validateConfig(setup.config ?? {});
  const clock = setup.clock ?? new TestClock();
  const sender = httpSender(config, setup.lookup);
  const dispatcher = new Dispatcher(
    { ...dispatcherOptions(config), ...setup.options },
    {
      store,
      logger: setup.logger ?? silentLogger(),
      sender: setup.wrap ? setup.wrap(sender) : sender,
      now: clock.now,
      random: setup.random ?? (() => 0.5),
      metrics: deliveryMetrics,
      ...(setup.owner ? { owner: setup.owner } : {}),
    },
  );
  return {
    dispatcher,
    sender,
    clock,
    async drain() {
      let total = 0;
      for (;;) {
        const claimed = await dispatcher.claimOnce();
        await dispatcher.settled();
        total += claimed;
        if (claimed === 0) return total;
      }
    },
    async close() {
      await dispatcher.stop();
      await sender.destroy();
    },
  };
}
