import { affiliateCreated } from './affiliate-created.js';
import { agreementSigned } from './agreement-signed.js';
import { clientCreated } from './client-created.js';
import { clientStatusChanged } from './client-status-changed.js';
import type { EventDefinition } from './definition.js';
import { documentUploaded } from './document-uploaded.js';
import { invoiceCreated } from './invoice-created.js';
import { leadCreated } from './lead-created.js';
import { paymentFailed } from './payment-failed.js';
import { paymentSucceeded } from './payment-succeeded.js';

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
