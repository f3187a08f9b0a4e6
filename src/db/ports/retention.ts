import type { Db } from '../dialect.js';

/**
 * Retention's statements, which differ by dialect only in how a bounded delete is written. Every
 * statement touches at most `limit` rows (the caller keeps it at or below 4,000), so SQL Server
 * never escalates to a table lock (it tries at 5,000 locks per statement).
 */
export interface RetentionDialect {
  /** Deletes up to `limit` attempt-log rows older than `before`; returns how many. */
  deleteAttemptsBefore(db: Db, before: Date, limit: number): Promise<number>;
  /** Up to `limit` ids of events recorded before `before` with no delivery still pending. */
  expiredEventIds(db: Db, before: Date, limit: number): Promise<number[]>;
  /** Deletes up to `limit` attempt rows of deliveries of these events; returns how many. */
  deleteAttemptsOfEvents(db: Db, eventIds: readonly number[], limit: number): Promise<number>;
  /** Deletes up to `limit` finished deliveries of these events; returns how many. */
  deleteDeliveriesOfEvents(db: Db, eventIds: readonly number[], limit: number): Promise<number>;
  /** Deletes these events if they still have no delivery left; returns how many. */
  deleteEvents(db: Db, eventIds: readonly number[]): Promise<number>;
}
