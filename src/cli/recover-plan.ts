import type { Database } from '../db/connect.js';
import { previewRecover, type RequeueResult } from '../delivery/delivery-store.js';
import type { DeliverTo } from '../outbox/append-events.js';
import { UsageError } from './exit-codes.js';

export interface RecoverTarget extends RequeueResult {
  id: number;
  url: string;
  eventTypes: string;
}

/**
 * The subscriptions `outbox deliveries recover` will queue deliveries to, each with what it would
 * queue now. `all` is every enabled subscription; named ids must exist and be enabled (the
 * dispatcher never takes a disabled one's deliveries), checked before anything is written.
 */
export async function planRecover(store: Database, deliverTo: DeliverTo, since: Date): Promise<RecoverTarget[]> {
  if (deliverTo === 'none') throw new UsageError('--deliver none: recover only queues deliveries, so it would do nothing');
  const all = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select(['SubscriptionId', 'Url', 'EventTypes', 'Enabled'])
    .orderBy('SubscriptionId')
    .execute();
  if (deliverTo !== 'all') {
    for (const id of deliverTo) {
      const found = all.find((s) => Number(s.SubscriptionId) === id);
      if (!found) throw new UsageError(`no subscription ${id}`);
      if (!found.Enabled) throw new UsageError(`subscription ${id} is disabled: enable it first`);
    }
  }
  const chosen = all.filter((s) => s.Enabled && (deliverTo === 'all' || deliverTo.includes(Number(s.SubscriptionId))));
  const targets: RecoverTarget[] = [];
  for (const s of chosen) {
    const preview = await previewRecover(store, Number(s.SubscriptionId), since);
    if (preview) targets.push({ id: Number(s.SubscriptionId), url: s.Url, eventTypes: s.EventTypes, ...preview });
  }
  return targets;
}

/** The summary printed before recover writes: per subscription what it will get, and what pollers see. */
export function recoverSummary(since: Date, targets: readonly RecoverTarget[]): string {
  const total = targets.reduce((sum, t) => sum + t.requeued + t.fannedOut, 0);
  return [
    `recover since ${since.toISOString()}: ${total} deliveries to queue for ${targets.length} subscription(s)`,
    ...targets.map(
      (t) =>
        `  subscription ${t.id}  ${t.url}  (${t.eventTypes})  ${t.requeued} failed or cancelled to re-queue, ${t.fannedOut} events it never had`,
    ),
    'pollers: nothing changes (recover writes no events); subscribers get the queued deliveries as ordinary signed webhooks, oldest event first',
  ].join('\n');
}
