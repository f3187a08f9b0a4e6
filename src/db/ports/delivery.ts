import type { Db, Trx } from '../dialect.js';
import type { DeliveryStatus, OutboxEventRow } from '../store-tables.js';

/** A delivery this process now owns until its lease ends. */
export interface ClaimedDelivery {
  deliveryId: number;
  eventId: number;
  subscriptionId: number;
  /** Attempts recorded before this claim. */
  attemptCount: number;
  /** Where the retry window starts: the last re-queue, else when the delivery was queued. */
  windowStartUtc: Date;
  /** The event to send, read with the claim; undefined if it is no longer in the outbox. */
  event: OutboxEventRow | undefined;
}

export interface ClaimRequest {
  owner: string;
  limit: number;
  now: Date;
  /** The claimed rows' lease end, also their NextAttemptUtc: they fall due again then. */
  leaseUntil: Date;
  /**
   * The most deliveries to claim per subscription: `room` lists the subscriptions this process
   * already holds work for (0 for a paused one), `defaultRoom` applies to all others.
   */
  room: readonly { s: number; n: number }[];
  defaultRoom: number;
}

/** One DeliveryAttempt row; `at` is 'YYYY-MM-DDTHH:mm:ss.SSS' UTC. */
export interface AttemptInsertRow {
  d: number;
  s: number;
  e: number;
  n: number;
  h: number | null;
  c: string | null;
  b: string | null;
  ms: number;
  at: string;
}

/** A delivery's state after an attempt (or a cancel); times as 'YYYY-MM-DDTHH:mm:ss.SSS' UTC. */
export interface DeliveryUpdateRow {
  d: number;
  st: DeliveryStatus;
  n: number;
  next: string;
  h: number | null;
  err: string | null;
  done: string | null;
}

/** The dispatcher's statements that differ by dialect: the claim and the set-based result writes. */
export interface DeliveryDialect {
  /**
   * Claims up to `limit` due deliveries of enabled subscriptions, each subscription's oldest due
   * first and at most its room, skipping rows another transaction has locked (FOR UPDATE SKIP
   * LOCKED / UPDLOCK, READPAST, ROWLOCK), and leases them to `owner`.
   */
  claim(db: Db, request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /**
   * Logs the attempts of deliveries still leased to `owner`: one cancelled meanwhile (its
   * subscription disabled or deleted) gets no attempt row, as it gets no result.
   */
  insertAttempts(trx: Trx, owner: string, rows: readonly AttemptInsertRow[]): Promise<void>;
  /**
   * Applies the rows still leased to `owner`; a row whose lease passed to another, or was taken
   * away by a cancel (its subscription disabled), is left alone.
   */
  updateDeliveries(trx: Trx, owner: string, rows: readonly DeliveryUpdateRow[]): Promise<number>;
  /**
   * Cancels up to `rows` pending deliveries of a subscription (all of them where writes are not
   * bounded), leases included, locking them as the claim does: the due index in NextAttemptUtc
   * order, then each row. Taken in the claim's order, the two wait for each other but never
   * deadlock. Returns the rows cancelled.
   */
  cancelPending(db: Db | Trx, subscriptionId: number, reason: string, now: Date, rows: number): Promise<number>;
}

/** The columns both dialects' claim statements return: the delivery's and its event's. */
export interface ClaimedRow {
  DeliveryId: number;
  EventId: number;
  SubscriptionId: number;
  AttemptCount: number;
  WindowStartUtc: Date;
  EventType: string | null;
  CreatedUtc: Date | null;
  CompanyId: number | null;
  Payload: string | null;
  Metadata: string | null;
}

export function claimedFromRow(row: ClaimedRow): ClaimedDelivery {
  const { EventType, CreatedUtc, CompanyId, Payload, Metadata } = row;
  return {
    deliveryId: Number(row.DeliveryId),
    eventId: Number(row.EventId),
    subscriptionId: Number(row.SubscriptionId),
    attemptCount: row.AttemptCount,
    windowStartUtc: new Date(row.WindowStartUtc),
    event:
      EventType === null || CreatedUtc === null || CompanyId === null || Payload === null || Metadata === null
        ? undefined
        : { EventId: row.EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata },
  };
}
