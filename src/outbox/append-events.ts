import { chunks } from '../db/chunks.js';
import type { Trx } from '../db/dialect.js';
import type { SqlDialect } from '../db/sql-dialect.js';
import { utcStoreText } from '../db/wall-clock.js';
import type { EventType } from './event-types.js';
import type { CapturedEvent } from './events/event.js';
import { subscriptionTakes } from './event-types.js';
import type { DeliveryInsertRow, EventInsertRow } from '../db/ports/outbox.js';

/** A business change on its way into the outbox. */
export type NewEvent = CapturedEvent<EventType>;

export interface AppendResult {
  /** Events written; fewer than given when some were already in the outbox. */
  inserted: number;
  /** Deliveries queued for the subscriptions that take those events. */
  deliveries: number;
  /** Events written, by type. */
  byType: Map<EventType, number>;
  /** The newest createdUtc among the events given, when any was written: how current the outbox is. */
  newestUtc: Date | undefined;
}

/** Which subscriptions get deliveries of appended events: every one whose types take them, none, or these. */
export type DeliverTo = 'all' | 'none' | readonly number[];

/**
 * Writes events into the outbox and, in the same transaction, queues one delivery per enabled
 * subscription (of `deliverTo`) whose types take each event. Duplicate (type, sourceKey) pairs are skipped, so a
 * re-read of the source is harmless. A subscription created later does not get these events.
 */
export async function appendEvents(
  trx: Trx,
  dialect: SqlDialect,
  companyId: number,
  events: readonly NewEvent[],
  now: Date = new Date(),
  deliverTo: DeliverTo = 'all',
): Promise<AppendResult> {
  const byType = new Map<EventType, number>();
  if (events.length === 0) return { inserted: 0, deliveries: 0, byType, newestUtc: undefined };
  const subscriptions =
    deliverTo === 'none' || (deliverTo !== 'all' && deliverTo.length === 0)
      ? []
      : await trx
          .selectFrom('integration.WebhookSubscription')
          .select(['SubscriptionId', 'EventTypes'])
          .where('Enabled', '=', true)
          .$if(deliverTo !== 'all', (q) => q.where('SubscriptionId', 'in', deliverTo as readonly number[]))
          .execute();
  let inserted = 0;
  let deliveries = 0;
  let start = 0;
  for (const part of chunks(events, dialect.outbox.eventsPerStatement)) {
    const rows: EventInsertRow[] = part.map((event, index) => ({
      ord: start + index,
      type: event.type,
      key: event.sourceKey,
      created: utcStoreText(event.createdUtc),
      payload: event.payload,
      metadata: event.metadata,
    }));
    const written = await dialect.outbox.insertEvents(trx, companyId, rows);
    inserted += written.length;
    const pairs: DeliveryInsertRow[] = [];
    for (const event of written) {
      const type = event.EventType as EventType;
      byType.set(type, (byType.get(type) ?? 0) + 1);
      for (const subscription of subscriptions) {
        if (subscriptionTakes(subscription.EventTypes, type)) pairs.push({ e: event.EventId, s: subscription.SubscriptionId });
      }
    }
    deliveries += await queueDeliveries(trx, dialect, pairs, now);
    start += part.length;
  }
  let newestUtc: Date | undefined;
  for (const event of events) if (inserted > 0 && (!newestUtc || event.createdUtc > newestUtc)) newestUtc = event.createdUtc;
  return { inserted, deliveries, byType, newestUtc };
}

/**
 * Inserts pending deliveries due at `due`, skipping pairs that exist, a dialect's
 * deliveriesPerStatement at a time: a batch of events times many subscriptions must not become
 * one statement that escalates its locks. Returns the deliveries inserted.
 */
export async function queueDeliveries(trx: Trx, dialect: SqlDialect, pairs: readonly DeliveryInsertRow[], due: Date): Promise<number> {
  let queued = 0;
  for (const part of chunks(pairs, dialect.outbox.deliveriesPerStatement)) queued += await dialect.outbox.insertDeliveries(trx, part, due);
  return queued;
}
