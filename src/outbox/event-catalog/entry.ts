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

/** A sample envelope: the catalog's sample values, with the metadata capture writes. */
export function sampleEnvelope(
  id: number,
  type: EventType,
  createdUtc: string,
  payload: Record<string, unknown>,
  metadata: Record<string, unknown>,
): EventEnvelope {
  return { id, type, createdUtc, companyId: 92, payload, metadata };
}
