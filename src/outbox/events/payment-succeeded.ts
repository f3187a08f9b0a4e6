import { money, sourceUtc, sourceUtcText } from '../crm/time.js';
import { payments } from '../crm/sources.js';
import { id, money as moneyField, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

export const paymentSucceeded = describeEvent({
  type: 'payment.succeeded',
  domain: 'Billing',
  summary: 'A payment was processed successfully.',
  description: 'A payment has been processed successfully (a new successful dbo.InvoicePayment row).',
  source: payments,
  payloadSchema: payloadSchema('payment.succeeded payload', {
    payment_id: id('The payment'),
    invoice_id: id('The invoice paid'),
    client_id: id('The client'),
    payment_amount: moneyField('Amount paid'),
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
  capture: {
    when: (row) => Boolean(row.IsSuccessful),
    createdUtc: (row, zone) => sourceUtc(row.PaymentDate, zone),
    payload: (row, zone) => ({
      payment_id: row.InvoicePaymentID,
      invoice_id: row.InvoiceID,
      client_id: row.ClientID,
      payment_amount: money(row.Amount),
      payment_method: row.PaymentMethod,
      date_paid: sourceUtcText(row.PaymentDate, zone),
      transaction_id: row.TransactionID,
    }),
  },
});
