import type { Db } from '../dialect.js';
import type { OutboxEventRow } from '../store-tables.js';

/**
 * A position in the outbox's commit order: `key` is the dialect's commit-order value as text
 * (PostgreSQL: the writer's xid8; SQL Server: RowVer as 0x-hex) and `eventId` breaks ties.
 * The start of the outbox is { key: null, eventId: 0 }.
 */
export interface OutboxPosition {
  key: string | null;
  eventId: number;
}

export interface EventPageQuery {
  after: OutboxPosition;
  /** Lowercase catalog types; empty for all. */
  types: readonly string[];
  limit: number;
  order: 'asc' | 'desc';
}

export type PagedEventRow = OutboxEventRow & { Position: string };

/** An event's type and place in commit order, without its payload: what the long poll's watch reads. */
export interface VisibleEventRow {
  EventType: string;
  EventId: number;
  Position: string;
}

/** The polling API's statements that differ by dialect. */
export interface ApiDialect {
  /**
   * One page of events in commit order, only from transactions that can no longer be joined by
   * an earlier, still-open writer; `desc` pages backwards from `after` (or from the newest).
   */
  pageEvents(db: Db, query: EventPageQuery): Promise<PagedEventRow[]>;
  /**
   * Types and positions of events past `after` in commit order, under the same visibility rule
   * as pageEvents, at most `limit`: the long poll's watch learns from it whom to wake.
   */
  visibleSince(db: Db, after: OutboxPosition, limit: number): Promise<VisibleEventRow[]>;
  /** Whether a cursor's key is well formed for this dialect (checked before it reaches SQL). */
  isValidKey(key: string): boolean;
}
