import { affiliateCreated } from './affiliate-created.js';
import { agreementSigned } from './agreement-signed.js';
import { clientCreated } from './client-created.js';
import { clientStatusChanged } from './client-status-changed.js';
import { documentUploaded } from './document-uploaded.js';
import { invoiceCreated } from './invoice-created.js';
import { invoiceStatusChanged } from './invoice-status-changed.js';
import { leadCreated } from './lead-created.js';
import { paymentFailed } from './payment-failed.js';
import { paymentSucceeded } from './payment-succeeded.js';

/**
 * The registry: every event type, in the catalog's order (seeds/event-catalog.txt). An event is
 * one module in this folder and one line here; the type list, the catalog and capture's
 * definitions are all read from this list.
 */
export const EVENTS = [
  leadCreated,
  clientCreated,
  clientStatusChanged,
  affiliateCreated,
  invoiceCreated,
  invoiceStatusChanged,
  paymentSucceeded,
  paymentFailed,
  documentUploaded,
  agreementSigned,
] as const;
