import type { Subscription } from '../delivery/subscription-service.js';

/** A subscription as the API answers it (and `outbox subscriptions --json` prints it); the secret only when given. */
export function subscriptionView(s: Subscription, secret?: string): Record<string, unknown> {
  return {
    id: s.id,
    url: s.url,
    event_types: s.eventTypes,
    description: s.description,
    enabled: s.enabled,
    disabled_reason: s.disabledReason,
    created_utc: s.createdUtc,
    updated_utc: s.updatedUtc,
    ...(secret === undefined ? {} : { secret }),
  };
}
