import type { SourceRow } from '../crm/source-object.js';
import type { invoices } from '../crm/sources.js';

/** A row of api.vwInvoiceDetails as the invoice source selects it. */
export type InvoiceRow = SourceRow<typeof invoices>;

/** Lead statuses are those named 'Lead%' (SOURCE-SCHEMA.md). */
export const isLeadStatus = (name: string): boolean => name.toLowerCase().startsWith('lead');
