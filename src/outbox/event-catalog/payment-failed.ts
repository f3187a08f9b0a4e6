import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { id, money, orNull, payloadSchema, text, utcTime } from './fields.js';

export const paymentFailed: EventTypeEntry = {
  type: 'payment.failed',
  domain: 'Billing',
  description:
    'A payment attempt has been declined (a new unsuccessful dbo.InvoicePayment row). date_attempted and attempted_date carry the same time.',
  source: 'dbo.InvoicePayment',
  payloadSchema: payloadSchema('payment.failed payload', {
    payment_id: id('The payment attempt'),
    invoice_id: id('The invoice'),
    client_id: id('The client'),
    amount_attempted: money('Amount that failed'),
    failure_reason: orNull(text('Why it was declined')),
    payment_method: text('Method, e.g. "Credit Card", "ACH"'),
    date_attempted: utcTime('When it was attempted'),
    attempted_date: utcTime('The same as date_attempted'),
  }),
  sample: sampleEnvelope(
    45682,
    'payment.failed',
    '2026-01-28T11:50:00.000Z',
    {
      payment_id: 9877,
      invoice_id: 5433,
      client_id: 12347,
      amount_attempted: 149.0,
      failure_reason: 'Card declined - insufficient funds',
      payment_method: 'Credit Card',
      date_attempted: '2026-01-28T11:50:00.000Z',
      attempted_date: '2026-01-28T11:50:00.000Z',
    },
    { source: 'dbo.InvoicePayment', key: 9877 },
  ),
};
