import { affiliateCreated } from './affiliate-created.js';
import { agreementSigned } from './agreement-signed.js';
import { clientCreated } from './client-created.js';
import { clientStatusChanged } from './client-status-changed.js';
import type { EventDefinition, RowHook } from './definition.js';
import { documentUploaded } from './document-uploaded.js';
import { invoiceCreated } from './invoice-created.js';
import { leadCreated } from './lead-created.js';
import { paymentFailed } from './payment-failed.js';
import { paymentSucceeded } from './payment-succeeded.js';
import { invoices } from '../sources.js';
import { INVOICE_STATUS_HOOKS } from '../invoice-status.js';

/**
 * The nine events read by key from one source object each. The tenth, invoice.status_changed,
 * compares the view with a snapshot (invoice-status-changed.ts and ../invoice-status.ts).
 */
export const KEYED_EVENTS: readonly EventDefinition[] = [
  leadCreated,
  clientCreated,
  clientStatusChanged,
  affiliateCreated,
  invoiceCreated,
  paymentSucceeded,
  paymentFailed,
  documentUploaded,
  agreementSigned,
];

/** What cycles also do with the rows they read: the invoice snapshot behind invoice.status_changed. */
export const ROW_HOOKS: readonly RowHook[] = [...INVOICE_STATUS_HOOKS];

/** Each source object and the event types read from it, for views of capture per source. */
export const CAPTURE_SOURCES: readonly { name: string; types: readonly string[] }[] = (() => {
  const bySource = new Map<string, string[]>();
  for (const definition of KEYED_EVENTS)
    bySource.set(definition.source.name, [...(bySource.get(definition.source.name) ?? []), definition.type]);
  bySource.set(invoices.name, [...(bySource.get(invoices.name) ?? []), 'invoice.status_changed']);
  return [...bySource].map(([name, types]) => ({ name, types }));
})();
