import type { Database } from '../db/connect.js';
import type { DeliverTo } from '../outbox/append-events.js';
import { subscriptionTakes } from '../outbox/event-types.js';
import { UsageError } from './exit-codes.js';

export const DELIVER_HELP =
  'who gets webhook deliveries of these events: none (pollers only), all (every enabled subscription that takes them), or subscription ids such as 3,7';

/** `--deliver none|all|3,7`: required, so replaying history to subscribers is always a choice. */
export function parseDeliver(text: string | undefined): DeliverTo {
  if (text === undefined) throw new UsageError(`--deliver is required: ${DELIVER_HELP}`);
  const value = text.trim().toLowerCase();
  if (value === 'none' || value === 'all') return value;
  const ids = value.split(',').map((part) => part.trim());
  if (value === '' || ids.some((id) => !/^\d+$/.test(id) || Number(id) < 1)) {
    throw new UsageError(`--deliver must be none, all, or subscription ids such as 3,7; got ${JSON.stringify(text)}`);
  }
  return [...new Set(ids.map(Number))];
}

export interface ChosenSubscription {
  id: number;
  url: string;
  eventTypes: string;
}

/**
 * The enabled subscriptions that will get deliveries of events of these types. Ids named in
 * `deliverTo` that are unknown, disabled, or take none of the types are refused (nothing is written).
 */
export async function chosenSubscriptions(store: Database, deliverTo: DeliverTo, types: readonly string[]): Promise<ChosenSubscription[]> {
  if (deliverTo === 'none') return [];
  const all = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select(['SubscriptionId', 'Url', 'EventTypes', 'Enabled'])
    .orderBy('SubscriptionId')
    .execute();
  const takes = (s: { EventTypes: string }) => types.some((type) => subscriptionTakes(s.EventTypes, type));
  let chosen = all.filter((s) => s.Enabled && takes(s));
  if (deliverTo !== 'all') {
    for (const id of deliverTo) {
      const found = all.find((s) => s.SubscriptionId === id);
      if (!found) throw new UsageError(`--deliver: no subscription ${id}`);
      if (!found.Enabled) throw new UsageError(`--deliver: subscription ${id} is disabled`);
      if (!takes(found))
        throw new UsageError(`--deliver: subscription ${id} takes none of ${types.join(', ')} (its types: ${found.EventTypes})`);
    }
    chosen = chosen.filter((s) => deliverTo.includes(s.SubscriptionId));
  }
  return chosen.map((s) => ({ id: Number(s.SubscriptionId), url: s.Url, eventTypes: s.EventTypes }));
}

/**
 * What a backfill will queue, printed before it starts: the events by type, what pollers see,
 * and per chosen subscription how many deliveries it gets.
 */
export function backfillSummary(deliverTo: DeliverTo, byType: ReadonlyMap<string, number>, chosen: readonly ChosenSubscription[]): string {
  const events = [...byType.values()].reduce((sum, n) => sum + n, 0);
  const lines = [
    `events to write: ${events}${events === 0 ? ' (the outbox already holds all of this history)' : ''}`,
    ...[...byType].map(([type, n]) => `  ${type.padEnd(24)} ${String(n).padStart(8)}`),
    'pollers: the events appear at the end of GET /api/v1/events (after everything already there), with metadata.backfill = true',
  ];
  if (deliverTo === 'none') {
    lines.push('webhooks: none (--deliver none): no subscriber is sent these events');
    return lines.join('\n');
  }
  const counted = chosen.map((s) => ({
    ...s,
    deliveries: [...byType].reduce((sum, [type, n]) => sum + (subscriptionTakes(s.eventTypes, type) ? n : 0), 0),
  }));
  const deliveries = counted.reduce((sum, s) => sum + s.deliveries, 0);
  if (counted.length === 0) lines.push('webhooks: no enabled subscription takes these events: no subscriber is sent them');
  else {
    lines.push(`webhooks: ${deliveries} deliveries queued to ${counted.length} subscription(s), sent as live ones are:`);
    lines.push(...counted.map((s) => `  subscription ${s.id}  ${s.url}  (${s.eventTypes})  ${s.deliveries} deliveries`));
  }
  return lines.join('\n');
}
