import type { SendTestEvent } from './subscription-service.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import { type EventEnvelope, utcText } from '../outbox/envelope.js';
import { catalogEntry } from '../outbox/event-catalog/index.js';
import { EVENT_TYPES, patternMatches } from '../outbox/event-types.js';
import type { Sender } from './dispatcher.js';
import { webhookHeaders } from './signing.js';
import { loadDeliveryTargets } from './subscriptions.js';

let lastTestId = 0;

/**
 * Test events have negative ids: never a real event's, so a receiver that deduplicates by id
 * cannot later drop a real event as one it has seen; each test gets its own.
 */
function nextTestId(): number {
  lastTestId = Math.min(lastTestId - 1, -Date.now());
  return lastTestId;
}

/**
 * POST /webhooks/subscriptions/{id}/test: one signed request, sent now, exactly as a delivery
 * would be (headers, signatures, SSRF check), but not stored anywhere. It carries the catalog's
 * sample payload of the first event type the subscription takes, so tools that map fields from a
 * sample (Zapier) see the real shape; metadata.test is true and the id, negative, is the same in the
 * body and in webhook-id, as for a real event.
 */
export function testEventSender(store: Database, config: Config, sender: Sender): SendTestEvent {
  return async (subscription) => {
    const now = new Date();
    const type = EVENT_TYPES.find((t) => subscription.eventTypes.some((pattern) => patternMatches(pattern, t))) ?? 'client.created';
    const envelope: EventEnvelope = {
      id: nextTestId(),
      type,
      createdUtc: utcText(now),
      companyId: config.companyId,
      payload: structuredClone(catalogEntry(type).sample.payload),
      metadata: { test: true, subscription_id: subscription.id },
    };
    const target = (await loadDeliveryTargets(store, [subscription.id], now)).get(subscription.id);
    if (!target) return { sent: false, httpStatus: null, error: 'the subscription no longer exists', envelope };
    if (!target.secrets) return { sent: false, httpStatus: null, error: target.secretProblem, envelope };
    const body = JSON.stringify(envelope);
    const result = await sender.send({
      url: target.url,
      body,
      headers: webhookHeaders(target.secrets, { id: String(envelope.id), sentAt: now, body, type, attempt: 1 }),
    });
    return { sent: result.httpStatus !== null, httpStatus: result.httpStatus, error: result.error, envelope };
  };
}
