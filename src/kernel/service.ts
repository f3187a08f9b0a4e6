import type { Component } from './component.js';
import type { ServiceContext } from './context.js';

type State = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Owns every component and the databases: starts them in order, stops them in reverse, and
 * closes the pools last. A component that fails to start stops those already started.
 */
export class Service {
  #state: State = 'created';
  #started: Component[] = [];
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly components: Component[],
    private readonly closeDatabases: () => Promise<void>,
  ) {}

  get state(): State {
    return this.#state;
  }

  async start(): Promise<void> {
    this.#state = 'starting';
    for (const component of this.components) {
      try {
        await component.start();
      } catch (error) {
        this.ctx.logger.error(`${component.name} failed to start: ${(error as Error).message}`, { component: 'service' });
        await this.stop();
        throw error;
      }
      this.#started.push(component);
    }
    this.#state = 'running';
  }

  /** Idempotent: a second call waits for the first. Components still busy at the limit are left. */
  stop(timeoutMs = this.ctx.config.shutdown.timeoutMs): Promise<void> {
    this.#stopping ??= this.#stopAll(timeoutMs);
    return this.#stopping;
  }

  async #stopAll(timeoutMs: number): Promise<void> {
    this.#state = 'stopping';
    const deadline = Date.now() + timeoutMs;
    for (const component of [...this.#started].reverse()) {
      const left = Math.max(0, deadline - Date.now());
      const result = await settleWithin(component.stop(), left);
      if (result === 'timeout') {
        this.ctx.logger.warn(`${component.name} did not stop within the shutdown limit`, { component: 'service' });
      } else if (result instanceof Error) {
        this.ctx.logger.error(`${component.name} failed to stop cleanly: ${result.message}`, { component: 'service' });
      }
    }
    await settleWithin(this.closeDatabases(), Math.max(1000, deadline - Date.now()));
    this.#state = 'stopped';
  }
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<'ok' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'ok' as const), timeout]);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }
}
