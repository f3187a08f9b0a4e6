import { randomBytes } from 'node:crypto';
import type { Database } from '../db/connect.js';
import { listenForWork, notifyWork, type WorkListener } from '../db/dialects/postgres/notify.js';
import type { Logger } from '../logging/logger.js';
import type { Component } from '../kernel/component.js';
import { backoffMs } from '../kernel/outage.js';
import type { OutboxSignal } from './outbox-signal.js';

/**
 * Carries the outbox signal between instances sharing one store. On the PostgreSQL server:
 * NOTIFY after each capture commit and LISTEN on a session of its own, so another instance's
 * dispatcher and long pollers wake at once. PGlite is embedded (one process, the in-process signal
 * is enough) and SQL Server has no LISTEN: there the other instances find the work at their own
 * short adaptive polls (delivery.pollIntervalMs, the long poll's store watch).
 */
export class InstanceBridge implements Component {
  readonly name = 'instance-bridge';
  readonly #sender = randomBytes(6).toString('hex');
  #listener: WorkListener | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopping = false;

  constructor(
    private readonly store: Database,
    private readonly signal: OutboxSignal,
    private readonly logger: Logger,
    private readonly connectTimeoutMs: number,
  ) {}

  /** Whether other instances hear this one's commits at once (else they poll). */
  get crossesInstances(): boolean {
    return this.store.target.kind === 'postgres';
  }

  async start(): Promise<void> {
    if (!this.crossesInstances) return;
    this.signal.bridge(() => {
      // A failed NOTIFY only delays other instances to their next poll: not worth more than a debug line.
      notifyWork(this.store.db, this.#sender).catch((error: Error) =>
        this.logger.debug(`notifying other instances failed: ${error.message}`, { component: this.name }),
      );
    });
    await this.#listen();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.signal.bridge(undefined);
    clearTimeout(this.#retry);
    await this.#listener?.close();
  }

  async #listen(): Promise<void> {
    const target = this.store.target;
    if (target.kind !== 'postgres' || this.#stopping) return;
    try {
      this.#listener = await listenForWork(target.connectionString, {
        connectTimeoutMs: this.connectTimeoutMs,
        onWork: (sender) => {
          if (sender !== this.#sender) this.signal.received();
        },
        onLost: (error) => this.#lost(error),
      });
      if (this.#failures > 0) {
        this.logger.info('listening for other instances again', { component: this.name });
        // Whatever other instances committed while this one was deaf: look now.
        this.signal.received();
      }
      this.#failures = 0;
    } catch (error) {
      this.#lost(error as Error);
    }
  }

  #lost(error: Error): void {
    this.#listener = undefined;
    if (this.#stopping) return;
    if (this.#failures === 0) {
      this.logger.warn(`listening for other instances' work failed (${error.message}); polling until it is back`, { component: this.name });
    }
    this.#retry = setTimeout(() => void this.#listen(), backoffMs(this.#failures++));
  }
}
