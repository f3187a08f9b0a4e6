import type { Database } from '../db/connect.js';
import { utcText } from '../outbox/envelope.js';

export interface DeliveryView {
  id: number;
  event_id: number;
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

/** A subscription's deliveries, newest first, before `beforeId` (0: from the newest). */
export async function listDeliveries(store: Database, subscriptionId: number, beforeId: number, limit: number): Promise<DeliveryView[]> {
  let query = store.db
    .selectFrom('integration.WebhookDelivery')
    .select([
      'DeliveryId',
      'EventId',
      'SubscriptionId',
      'Status',
      'AttemptCount',
      'NextAttemptUtc',
      'LastHttpStatus',
      'LastError',
      'CreatedUtc',
      'CompletedUtc',
    ])
    .where('SubscriptionId', '=', subscriptionId)
    .orderBy('DeliveryId', 'desc');
  if (beforeId > 0) query = query.where('DeliveryId', '<', beforeId);
  query = store.dialect.name === 'mssql' ? query.top(limit) : query.limit(limit);
  return (await query.execute()).map((r) => ({
    id: Number(r.DeliveryId),
    event_id: Number(r.EventId),
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
    .where('Status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
