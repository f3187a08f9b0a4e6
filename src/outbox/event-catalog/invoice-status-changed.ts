import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { day, id, money, orNull, payloadSchema, text, utcTime } from './fields.js';

export const invoiceStatusChanged: EventTypeEntry = {
  type: 'invoice.status_changed',
  domain: 'Billing',
  description:
    "An invoice's payment status has changed (Unpaid to Paid, etc.), seen by comparing api.vwInvoiceDetails with the status last seen.",
  source: 'api.vwInvoiceDetails',
  payloadSchema: payloadSchema('invoice.status_changed payload', {
    invoice_id: id('The invoice'),
    client_id: id('The client billed'),
    previous_status: text('Status before the change'),
    new_status: text('Paid, Partial, Unpaid or Failed'),
    changed_date: utcTime('When it changed: the payment that moved it, else when it was seen'),
    total_paid: money('Sum of successful payments'),
    balance: money('Amount still owed'),
    payment_date: orNull(day('Date of the last payment attempt, if any')),
  }),
  sample: sampleEnvelope(
    45684,
    'invoice.status_changed',
    '2026-01-28T11:45:00.000Z',
    {
      invoice_id: 5432,
      client_id: 12345,
      previous_status: 'Unpaid',
      new_status: 'Paid',
      changed_date: '2026-01-28T11:45:00.000Z',
      total_paid: 99.0,
      balance: 0.0,
      payment_date: '2026-01-28',
    },
    { source: 'api.vwInvoiceDetails', key: 5432, version: 1 },
  ),
};
