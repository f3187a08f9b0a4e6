import type { Database } from '../db/connect.js';
import type { DeliveryStatus } from '../db/store-tables.js';
import { deliveryLogQuery } from '../delivery/delivery-log.js';
import { ENVELOPE_COLUMNS, envelopeJson } from '../outbox/envelope.js';

/*
 * The portal's reads of the outbox and the delivery log: keyset pages newest first (by id, the
 * "before" cursor is the last id shown), one row or one event's deliveries. Payloads are read
 * only for the one event opened, never for a list.
 */

export interface EventFilter {
  type?: string;
  id?: number;
  from?: Date;
  to?: Date;
  /** Show events with a smaller id than this (the next page). */
  beforeId?: number;
  /** With a time range, the next page starts below this (CreatedUtc, beforeId). */
  beforeTime?: Date;
}

export interface EventSummary {
  id: number;
  type: string;
  sourceKey: string;
  createdUtc: Date;
  recordedUtc: Date;
}

export interface DeliveryFilter {
  subscriptionId?: number;
  status?: DeliveryStatus;
  httpStatus?: number;
  from?: Date;
  to?: Date;
  eventId?: number;
  beforeId?: number;
}

export interface DeliverySummary {
  id: number;
  eventId: number;
  eventType: string | null;
  subscriptionId: number;
  subscriptionUrl: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptUtc: Date;
  lastHttpStatus: number | null;
  lastError: string | null;
  createdUtc: Date;
  completedUtc: Date | null;
}

export interface Page<T> {
  rows: T[];
  /** The last row shown, to page on from, when there is a next page. */
  last: T | null;
}

function page<T>(rows: T[], size: number): Page<T> {
  const shown = rows.slice(0, size);
  return { rows: shown, last: rows.length > size ? (shown.at(-1) as T) : null };
}

/**
 * Without a time range the list runs down the primary key. With one it runs down
 * (CreatedUtc, EventId) on IX_OutboxEvent_CreatedUtc_Id (migration 0010), newest first in time:
 * filtering the key order by time instead would scan every newer event to reach an old hour.
 */
export function eventsByTime(filter: EventFilter): boolean {
  return filter.from !== undefined || filter.to !== undefined;
}

export async function pageEvents(store: Database, filter: EventFilter, size: number): Promise<Page<EventSummary>> {
  let query = store.db.selectFrom('integration.OutboxEvent').select(['EventId', 'EventType', 'SourceKey', 'CreatedUtc', 'RecordedUtc']);
  if (filter.type !== undefined) query = query.where('EventType', '=', filter.type);
  if (filter.id !== undefined) query = query.where('EventId', '=', filter.id);
  if (filter.from !== undefined) query = query.where('CreatedUtc', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('CreatedUtc', '<', filter.to);
  if (eventsByTime(filter)) {
    const { beforeId, beforeTime } = filter;
    if (beforeId !== undefined && beforeTime !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('CreatedUtc', '<', beforeTime), eb.and([eb('CreatedUtc', '=', beforeTime), eb('EventId', '<', beforeId)])]),
      );
    }
    query = query.orderBy('CreatedUtc', 'desc').orderBy('EventId', 'desc');
  } else {
    if (filter.beforeId !== undefined) query = query.where('EventId', '<', filter.beforeId);
    query = query.orderBy('EventId', 'desc');
  }
  query = store.dialect.first(query, size + 1);
  const rows = (await query.execute()).map((r) => ({
    id: Number(r.EventId),
    type: r.EventType,
    sourceKey: r.SourceKey,
    createdUtc: new Date(r.CreatedUtc),
    recordedUtc: new Date(r.RecordedUtc),
  }));
  return page(rows, size);
}

/** One event and the exact body a receiver gets for it. */
export async function readEvent(store: Database, id: number): Promise<{ type: string; body: string; recordedUtc: Date } | undefined> {
  const row = await store.db
    .selectFrom('integration.OutboxEvent')
    .select([...ENVELOPE_COLUMNS, 'RecordedUtc'])
    .where('EventId', '=', id)
    .executeTakeFirst();
  return row ? { type: row.EventType, body: envelopeJson(row), recordedUtc: new Date(row.RecordedUtc) } : undefined;
}

export async function pageDeliveries(store: Database, filter: DeliveryFilter, size: number): Promise<Page<DeliverySummary>> {
  const log = deliveryLogQuery(
    store,
    {
      subscriptionId: filter.subscriptionId,
      eventId: filter.eventId,
      statuses: filter.status === undefined ? undefined : [filter.status],
      httpStatus: filter.httpStatus,
      since: filter.from,
      until: filter.to,
    },
    filter.beforeId ?? 0,
  );
  const query = log.leftJoin('integration.WebhookSubscription as s', 's.SubscriptionId', 'd.SubscriptionId').select('s.Url');
  const rows = (await store.dialect.first(query, size + 1).execute()).map((r) => ({
    id: Number(r.DeliveryId),
    eventId: Number(r.EventId),
    eventType: r.EventType,
    subscriptionId: Number(r.SubscriptionId),
    subscriptionUrl: r.Url,
    status: r.Status,
    attemptCount: r.AttemptCount,
    nextAttemptUtc: new Date(r.NextAttemptUtc),
    lastHttpStatus: r.LastHttpStatus,
    lastError: r.LastError,
    createdUtc: new Date(r.CreatedUtc),
    completedUtc: r.CompletedUtc === null ? null : new Date(r.CompletedUtc),
  }));
  return page(rows, size);
}

export async function readDelivery(store: Database, id: number): Promise<DeliverySummary | undefined> {
  return (await pageDeliveries(store, { beforeId: id + 1 }, 1)).rows.find((d) => d.id === id);
}
