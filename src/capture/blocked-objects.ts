import type { Logger } from '../logging/logger.js';
import { backoffMs } from '../kernel/outage.js';
import type { SourceObject } from '../outbox/crm/source-object.js';

interface Episode {
  since: Date;
  failures: number;
  retryAt: number;
}

/**
 * Source objects whose capture gave up waiting for a lock (an uncommitted CRM transaction holding
 * their rows, a schema change holding the table): each is skipped, backing off, while every other
 * object goes on, and tried again until its lock is released. One line when an object becomes
 * blocked and one when it is captured again, however many cycles time out in between.
 */
export class BlockedObjects {
  readonly #episodes = new Map<SourceObject, Episode>();

  constructor(
    private readonly logger: Logger,
    private readonly component: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether the object is still backing off after a lock timeout. */
  waiting(object: SourceObject): boolean {
    const episode = this.#episodes.get(object);
    return episode !== undefined && this.now().getTime() < episode.retryAt;
  }

  timedOut(object: SourceObject, error: unknown): void {
    const now = this.now();
    const episode = this.#episodes.get(object) ?? { since: now, failures: 0, retryAt: 0 };
    if (episode.failures === 0) {
      this.logger.warn(
        `${object.name}: capture gave up waiting for a lock another session holds (an open transaction on its rows?): ` +
          `${(error as Error).message}; it is tried again, and the other objects go on`,
        { component: this.component },
      );
    }
    episode.failures += 1;
    episode.retryAt = now.getTime() + backoffMs(episode.failures - 1);
    this.#episodes.set(object, episode);
  }

  captured(object: SourceObject): void {
    const episode = this.#episodes.get(object);
    if (!episode) return;
    this.#episodes.delete(object);
    const seconds = Math.round((this.now().getTime() - episode.since.getTime()) / 1000);
    this.logger.info(`${object.name}: the lock is released; capture goes on after ${seconds} s blocked`, { component: this.component });
  }
}
