import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { id, money, orNull, payloadSchema, text, utcTime } from './fields.js';

export const paymentSucceeded: EventTypeEntry = {
  type: 'payment.succeeded',
  domain: 'Billing',
  description: 'A payment has been processed successfully (a new successful dbo.InvoicePayment row).',
  source: 'dbo.InvoicePayment',
  payloadSchema: payloadSchema('payment.succeeded payload', {
    payment_id: id('The payment'),
    invoice_id: id('The invoice paid'),
    client_id: id('The client'),
    payment_amount: money('Amount paid'),
    payment_method: text('Method, e.g. "Credit Card", "ACH"'),
    date_paid: utcTime('When it was paid'),
    transaction_id: orNull(text("The payment processor's transaction id")),
  }),
  sample: sampleEnvelope(
    45681,
    'payment.succeeded',
    '2026-01-28T11:45:00.000Z',
    {
      payment_id: 9876,
      invoice_id: 5432,
      client_id: 12345,
      payment_amount: 99.0,
      payment_method: 'Credit Card',
      date_paid: '2026-01-28T11:45:00.000Z',
      transaction_id: 'ch_3AbCdEfGhIjK',
    },
    { source: 'dbo.InvoicePayment', key: 9876 },
  ),
};
