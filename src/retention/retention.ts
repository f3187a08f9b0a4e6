import type { Database } from '../db/connect.js';

export interface RetentionPolicy {
  /** Events recorded longer ago than this, with no delivery pending, are deleted. */
  eventsDays: number;
  /** Attempt-log rows older than this are deleted. */
  attemptsDays: number;
  /** Rows per statement, at most 4,000. */
  batchSize: number;
}

export interface RetentionResult {
  attempts: number;
  deliveries: number;
  events: number;
}

const DAY_MS = 86_400_000;

/**
 * One retention pass: old attempt-log rows first, then old events whose deliveries are all
 * finished (their attempts and deliveries before them, as the foreign keys require). Every
 * statement is bounded and commits on its own, so a pass never holds long locks, and an event
 * that still has a pending delivery is never touched. `shouldStop` is checked between statements.
 */
export async function runRetention(
  store: Database,
  policy: RetentionPolicy,
  now: Date = new Date(),
  shouldStop: () => boolean = () => false,
): Promise<RetentionResult> {
  const { db, dialect } = store;
  const limit = Math.min(4000, Math.max(1, policy.batchSize));
  const result: RetentionResult = { attempts: 0, deliveries: 0, events: 0 };
  const attemptsBefore = new Date(now.getTime() - policy.attemptsDays * DAY_MS);
  for (;;) {
    if (shouldStop()) return result;
    const deleted = await dialect.retention.deleteAttemptsBefore(db, attemptsBefore, limit);
    result.attempts += deleted;
    if (deleted < limit) break;
  }
  const eventsBefore = new Date(now.getTime() - policy.eventsDays * DAY_MS);
  for (;;) {
    if (shouldStop()) return result;
    const eventIds = await dialect.retention.expiredEventIds(db, eventsBefore, limit);
    if (eventIds.length === 0) break;
    result.attempts += await drain((n) => dialect.retention.deleteAttemptsOfEvents(db, eventIds, n), limit);
    result.deliveries += await drain((n) => dialect.retention.deleteDeliveriesOfEvents(db, eventIds, n), limit);
    result.events += await dialect.retention.deleteEvents(db, eventIds);
    if (eventIds.length < limit) break;
  }
  return result;
}

async function drain(step: (limit: number) => Promise<number>, limit: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await step(limit);
    total += deleted;
    if (deleted < limit) return total;
  }
}
