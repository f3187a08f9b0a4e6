import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import type { Component } from '../kernel/component.js';
import { runRetention } from './retention.js';

/** Runs retention on its cron schedule; a pass in progress at stop ends at its next statement. */
export class RetentionJob implements Component {
  readonly name = 'retention';
  #task: ScheduledTask | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;

  constructor(
    private readonly store: Database,
    private readonly config: Config['retention'],
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.config.enabled) return;
    this.#task = cron.schedule(this.config.schedule, () => {
      this.#running ??= this.runOnce().finally(() => (this.#running = undefined));
    });
  }

  async runOnce(): Promise<void> {
    try {
      const result = await runRetention(this.store, this.config, new Date(), () => this.#stopping);
      if (result.attempts + result.deliveries + result.events > 0) {
        this.logger.info(`retention deleted ${result.events} events, ${result.deliveries} deliveries, ${result.attempts} attempts`, {
          component: this.name,
        });
      }
    } catch (error) {
      this.logger.warn(`retention pass failed, will try again on schedule: ${(error as Error).message}`, { component: this.name });
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#task?.stop();
    await this.#running;
  }
}
