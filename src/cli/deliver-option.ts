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

/**
 * The subscriptions that will get deliveries, as lines for the summary printed before starting.
 * Ids that are unknown, disabled, or take none of the types are refused (nothing is written).
 */
export async function deliverySummary(store: Database, deliverTo: DeliverTo, types: readonly string[]): Promise<string> {
  if (deliverTo === 'none') return 'webhooks: none (--deliver none): only pollers of GET /api/v1/events see these events';
  const enabled = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select(['SubscriptionId', 'Url', 'EventTypes', 'Enabled'])
    .orderBy('SubscriptionId')
    .execute();
  const takes = (s: { EventTypes: string }) => types.some((type) => subscriptionTakes(s.EventTypes, type));
  let chosen = enabled.filter((s) => s.Enabled && takes(s));
  if (deliverTo !== 'all') {
    for (const id of deliverTo) {
      const found = enabled.find((s) => s.SubscriptionId === id);
      if (!found) throw new UsageError(`--deliver: no subscription ${id}`);
      if (!found.Enabled) throw new UsageError(`--deliver: subscription ${id} is disabled`);
      if (!takes(found))
        throw new UsageError(`--deliver: subscription ${id} takes none of ${types.join(', ')} (its types: ${found.EventTypes})`);
    }
    chosen = chosen.filter((s) => deliverTo.includes(s.SubscriptionId));
  }
  if (chosen.length === 0) return 'webhooks: no enabled subscription takes these events: only pollers see them';
  const lines = chosen.map((s) => `  subscription ${s.SubscriptionId}  ${s.Url}  (${s.EventTypes})`);
  return `webhooks: each event is also queued to ${chosen.length} subscription(s):\n${lines.join('\n')}`;
}
