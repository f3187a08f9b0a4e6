import { randomBytes } from 'node:crypto';
import type { SendTestEvent } from '../api/subscription-service.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import { type EventEnvelope, utcText } from '../outbox/envelope.js';
import { EVENT_TYPES, patternMatches } from '../outbox/event-types.js';
import type { Sender } from './dispatcher.js';
import { webhookHeaders } from './signing.js';
import { loadDeliveryTargets } from './subscriptions.js';

/**
 * POST /webhooks/subscriptions/{id}/test: one signed request with a sample envelope, sent now,
 * exactly as a delivery would be (headers, signatures, SSRF check), but not stored anywhere. Its
 * id is 0 and metadata.test is true, so a receiver can tell it from a real event.
 */
export function testEventSender(store: Database, config: Config, sender: Sender): SendTestEvent {
  return async (subscription) => {
    const now = new Date();
    const type = EVENT_TYPES.find((t) => subscription.eventTypes.some((pattern) => patternMatches(pattern, t))) ?? 'client.created';
    const envelope: EventEnvelope = {
      id: 0,
      type,
      createdUtc: utcText(now),
      companyId: config.companyId,
      payload: { message: 'A test event from the CRM outbox: your endpoint is reachable and can verify signatures.' },
      metadata: { test: true, subscription_id: subscription.id },
    };
    const target = (await loadDeliveryTargets(store, [subscription.id], now)).get(subscription.id);
    if (!target) return { sent: false, httpStatus: null, error: 'the subscription no longer exists', envelope };
    if (!target.secrets) return { sent: false, httpStatus: null, error: target.secretProblem, envelope };
    const body = JSON.stringify(envelope);
    const result = await sender.send({
      url: target.url,
      body,
      headers: webhookHeaders(target.secrets, { id: `test_${randomBytes(8).toString('hex')}`, sentAt: now, body, type, attempt: 1 }),
    });
    return { sent: result.httpStatus !== null, httpStatus: result.httpStatus, error: result.error, envelope };
  };
}
