import type { EventEnvelope } from '../envelope.js';
import type { EventType } from '../event-types.js';
import type { JsonSchema } from './fields.js';

/** What a subscriber needs to know about one event type before its first delivery. */
export interface EventTypeEntry {
  type: EventType;
  /** Client, Billing, Affiliates, Documents or Compliance. */
  domain: string;
  description: string;
  /** The CRM table or view it is read from. */
  source: string;
  /** JSON Schema (2020-12) of the envelope's `payload`. */
  payloadSchema: JsonSchema;
  /** A whole envelope as a webhook body or a polled event carries it; POST .../test sends its payload. */
  sample: EventEnvelope;
}
