import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { day, id, money, payloadSchema, text, utcTime } from './fields.js';

export const invoiceCreated: EventTypeEntry = {
  type: 'invoice.created',
  domain: 'Billing',
  description: 'A new invoice has been generated for a client (a new row of api.vwInvoiceDetails), with its status when first seen.',
  source: 'api.vwInvoiceDetails',
  payloadSchema: payloadSchema('invoice.created payload', {
    invoice_id: id('The invoice'),
    client_id: id('The client billed'),
    amount: money('Invoice amount'),
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
};
