import type { Database } from '../db/connect.js';
import type { DeliveryStatus } from '../db/store-tables.js';
import { utcText } from '../outbox/envelope.js';

export interface DeliveryView {
  id: number;
  event_id: number;
  event_type: string;
  subscription_id: number;
  status: string;
  attempt_count: number;
  next_attempt_utc: string;
  last_http_status: number | null;
  last_error: string | null;
  created_utc: string;
  completed_utc: string | null;
}

export interface AttemptView {
  id: number;
  delivery_id: number;
  attempt_number: number;
  http_status: number | null;
  error_class: string | null;
  response_body: string | null;
  elapsed_ms: number;
  attempted_utc: string;
}

/** What the delivery log can be narrowed to; every field left out takes everything. */
export interface DeliveryFilter {
  subscriptionId?: number;
  /** The deliveries of one event. */
  eventId?: number;
  /** The outcome: pending, succeeded, failed or cancelled. */
  statuses?: readonly DeliveryStatus[];
  /** The HTTP status of the last attempt. */
  httpStatus?: number;
  eventTypes?: readonly string[];
  /** Queued at or after this instant. */
  since?: Date;
  /** Queued before this instant. */
  until?: Date;
  /** Only subscriptions this API key created (a key that is not admin sees no others). */
  ownerKeyId?: number;
}

/**
 * The delivery log's rows matching the filter, newest first, before `beforeId` (0: from the
 * newest), with their event's type: the API's list and the admin portal's pages both read it.
 */
export function deliveryLogQuery(store: Database, filter: DeliveryFilter, beforeId: number) {
  let query = store.db
    .selectFrom('integration.WebhookDelivery as d')
    .innerJoin('integration.OutboxEvent as e', 'e.EventId', 'd.EventId')
    .select([
      'd.DeliveryId',
      'd.EventId',
      'e.EventType',
      'd.SubscriptionId',
      'd.Status',
      'd.AttemptCount',
      'd.NextAttemptUtc',
      'd.LastHttpStatus',
      'd.LastError',
      'd.CreatedUtc',
      'd.CompletedUtc',
    ])
    .orderBy('d.DeliveryId', 'desc');
  if (beforeId > 0) query = query.where('d.DeliveryId', '<', beforeId);
  if (filter.subscriptionId !== undefined) query = query.where('d.SubscriptionId', '=', filter.subscriptionId);
  if (filter.eventId !== undefined) query = query.where('d.EventId', '=', filter.eventId);
  if (filter.statuses?.length) query = query.where('d.Status', 'in', [...filter.statuses]);
  if (filter.httpStatus !== undefined) query = query.where('d.LastHttpStatus', '=', filter.httpStatus);
  if (filter.eventTypes?.length) query = query.where('e.EventType', 'in', [...filter.eventTypes]);
  if (filter.since) query = query.where('d.CreatedUtc', '>=', filter.since);
  if (filter.until) query = query.where('d.CreatedUtc', '<', filter.until);
  if (filter.ownerKeyId !== undefined) {
    const owner = filter.ownerKeyId;
    query = query.where('d.SubscriptionId', 'in', (eb) =>
      eb.selectFrom('integration.WebhookSubscription').select('SubscriptionId').where('OwnerKeyId', '=', owner),
    );
  }
  return query;
}

/** Deliveries matching the filter, newest first, before `beforeId` (0: from the newest). */
export async function listDeliveries(store: Database, filter: DeliveryFilter, beforeId: number, limit: number): Promise<DeliveryView[]> {
  const query = deliveryLogQuery(store, filter, beforeId);
  return (await store.dialect.first(query, limit).execute()).map((r) => ({
    id: Number(r.DeliveryId),
    event_id: Number(r.EventId),
    event_type: r.EventType,
    subscription_id: Number(r.SubscriptionId),
    status: r.Status,
    attempt_count: r.AttemptCount,
    next_attempt_utc: utcText(r.NextAttemptUtc),
    last_http_status: r.LastHttpStatus,
    last_error: r.LastError,
    created_utc: utcText(r.CreatedUtc),
    completed_utc: r.CompletedUtc === null ? null : utcText(r.CompletedUtc),
  }));
}

/** One delivery as the log shows it, or undefined. */
export async function getDelivery(store: Database, deliveryId: number, filter: DeliveryFilter = {}): Promise<DeliveryView | undefined> {
  // The filter cannot name one id; the keyset bound can: the newest below id + 1.
  const [found] = await listDeliveries(store, filter, deliveryId + 1, 1);
  return found?.id === deliveryId ? found : undefined;
}

/** The subscription a delivery belongs to, or undefined when there is no such delivery. */
export async function deliverySubscriptionId(store: Database, deliveryId: number): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('integration.WebhookDelivery')
    .select('SubscriptionId')
    .where('DeliveryId', '=', deliveryId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.SubscriptionId);
}

/** Every attempt of one delivery, in order (at most the dispatcher's retry limit). */
export async function listAttempts(store: Database, deliveryId: number): Promise<AttemptView[]> {
  const rows = await store.db
    .selectFrom('integration.DeliveryAttempt')
    .select(['AttemptId', 'DeliveryId', 'AttemptNumber', 'HttpStatus', 'ErrorClass', 'ResponseBody', 'ElapsedMs', 'AttemptedUtc'])
    .where('DeliveryId', '=', deliveryId)
    .orderBy('AttemptNumber')
    .orderBy('AttemptId')
    .execute();
  return rows.map((r) => ({
    id: Number(r.AttemptId),
    delivery_id: Number(r.DeliveryId),
    attempt_number: r.AttemptNumber,
    http_status: r.HttpStatus,
    error_class: r.ErrorClass,
    response_body: r.ResponseBody,
    elapsed_ms: r.ElapsedMs,
    attempted_utc: utcText(r.AttemptedUtc),
  }));
}

/** Pending deliveries, for the queue-depth gauge: a count over the filtered pending index. */
export async function countPending(store: Database): Promise<number> {
  const row = await store.db
    .selectFrom('integration.WebhookDelivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('Status', '=', store.dialect.deliveryStatus('pending'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A subscription's deliveries counted by outcome; every outcome is present, 0 when none. */
export async function deliveryCounts(store: Database, subscriptionId: number): Promise<Record<DeliveryStatus, number>> {
  const rows = await store.db
    .selectFrom('integration.WebhookDelivery')
    .select((eb) => ['Status', eb.fn.countAll<number>().as('n')])
    .where('SubscriptionId', '=', subscriptionId)
    .groupBy('Status')
    .execute();
  const counts: Record<DeliveryStatus, number> = { pending: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const row of rows) counts[row.Status] = Number(row.n);
  return counts;
}
