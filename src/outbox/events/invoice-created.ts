import { dateText, money, sourceUtc, sourceUtcText } from '../crm/time.js';
import { invoices } from '../crm/sources.js';
import { day, id, money as moneyField, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** A new invoice in api.vwInvoiceDetails, with its status when first seen. */
export const invoiceCreated = describeEvent({
  type: 'invoice.created',
  domain: 'Billing',
  summary: 'A new invoice was generated for a client.',
  description: 'A new invoice has been generated for a client (a new row of api.vwInvoiceDetails), with its status when first seen.',
  source: invoices,
  payloadSchema: payloadSchema('invoice.created payload', {
    invoice_id: id('The invoice'),
    client_id: id('The client billed'),
    amount: moneyField('Invoice amount'),
    due_date: day('Payment due date'),
    description: text('What the invoice is for'),
    invoice_status: text('Paid, Partial, Unpaid or Failed'),
    created_date: utcTime('When the invoice was created'),
  }),
  sample: sampleEnvelope(
    45683,
    'invoice.created',
    '2026-01-28T08:00:00.000Z',
    {
      invoice_id: 5434,
      client_id: 12345,
      amount: 99.0,
      due_date: '2026-02-05',
      description: 'Monthly Service Fee',
      invoice_status: 'Unpaid',
      created_date: '2026-01-28T08:00:00.000Z',
    },
    { source: 'api.vwInvoiceDetails', key: 5434 },
  ),
  capture: {
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
  },
});
