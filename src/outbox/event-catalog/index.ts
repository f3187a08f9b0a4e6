import { EVENT_TYPES, type EventType } from '../event-types.js';
import { affiliateCreated } from './affiliate-created.js';
import { agreementSigned } from './agreement-signed.js';
import { clientCreated } from './client-created.js';
import { clientStatusChanged } from './client-status-changed.js';
import { documentUploaded } from './document-uploaded.js';
import type { EventTypeEntry } from './entry.js';
import { invoiceCreated } from './invoice-created.js';
import { invoiceStatusChanged } from './invoice-status-changed.js';
import { leadCreated } from './lead-created.js';
import { paymentFailed } from './payment-failed.js';
import { paymentSucceeded } from './payment-succeeded.js';

export type { EventTypeEntry } from './entry.js';

const ENTRIES: Record<EventType, EventTypeEntry> = {
  'lead.created': leadCreated,
  'client.created': clientCreated,
  'client.status_changed': clientStatusChanged,
  'affiliate.created': affiliateCreated,
  'invoice.created': invoiceCreated,
  'invoice.status_changed': invoiceStatusChanged,
  'payment.succeeded': paymentSucceeded,
  'payment.failed': paymentFailed,
  'document.uploaded': documentUploaded,
  'agreement.signed': agreementSigned,
};

/** Every event type with its description, payload schema and sample, in the catalog's order. */
export const EVENT_CATALOG: readonly EventTypeEntry[] = EVENT_TYPES.map((type) => ENTRIES[type]);

export function catalogEntry(type: EventType): EventTypeEntry {
  return ENTRIES[type];
}

/** `client.status_changed` → `ClientStatusChanged`: the name of its schemas in the OpenAPI document. */
export function schemaName(type: EventType): string {
  return type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A catalog entry's payload schema as a standalone JSON Schema file (docs/event-types/). */
export function standaloneSchema(entry: EventTypeEntry): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${entry.type}.schema.json`,
    description: entry.description,
    ...entry.payloadSchema,
  };
}
