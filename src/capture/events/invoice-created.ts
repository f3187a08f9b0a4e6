import { dateText, money, sourceUtc, sourceUtcText } from '../time.js';
import { invoices } from '../sources.js';
import { defineEvent } from './definition.js';

/** A new invoice in api.vwInvoiceDetails, with its status when first seen. */
export const invoiceCreated = defineEvent({
  type: 'invoice.created',
  source: invoices,
  createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
  payload: (row, zone) => ({
    invoice_id: row.InvoiceID,
    client_id: row.ClientID,
    amount: money(row.Amount),
    due_date: dateText(row.DueDate),
    description: row.Description,
    invoice_status: row.InvoiceStatus,
    created_date: sourceUtcText(row.CreatedDate, zone),
  }),
});
