import { type DeliveryView, getDelivery } from './delivery-log.js';
import type { Database } from '../db/connect.js';
import { RecoverError, recoverDeliveries, type RequeueResult, resendDelivery } from './delivery-store.js';

export { RecoverError } from './delivery-store.js';

/**
 * Sending again what was not received: one delivery (resend) or everything a subscription missed
 * since a time (recover). The one implementation behind `outbox deliveries resend|recover`, the
 * HTTP API and the admin portal. Both refuse a disabled subscription, whose deliveries the
 * dispatcher never takes: they would wait for good.
 */
export interface Redelivery {
  /** Queues the delivery again now with a fresh series of retries; its state after. */
  resend(deliveryId: number): Promise<DeliveryView>;
  /** Re-queues failed and cancelled deliveries of events since `since`, and queues the events of its types it never had. */
  recover(subscriptionId: number, since: Date): Promise<RequeueResult>;
}

export function redelivery(store: Database, now: () => Date = () => new Date()): Redelivery {
  return {
    async resend(deliveryId) {
      const found = await store.db
        .selectFrom('integration.WebhookDelivery as d')
        .innerJoin('integration.WebhookSubscription as s', 's.SubscriptionId', 'd.SubscriptionId')
        .select(['s.SubscriptionId', 's.Enabled'])
        .where('d.DeliveryId', '=', deliveryId)
        .executeTakeFirst();
      if (!found) throw new RecoverError('not_found', `no delivery ${deliveryId}`);
      if (!found.Enabled) {
        throw new RecoverError(
          'disabled',
          `subscription ${Number(found.SubscriptionId)} of delivery ${deliveryId} is disabled: enable it first`,
        );
      }
      if (!(await resendDelivery(store, deliveryId, now()))) throw new RecoverError('not_found', `no delivery ${deliveryId}`);
      const view = await getDelivery(store, deliveryId);
      if (!view) throw new RecoverError('not_found', `no delivery ${deliveryId}`);
      return view;
    },
    recover: (subscriptionId, since) => recoverDeliveries(store, subscriptionId, since, now()),
  };
}
