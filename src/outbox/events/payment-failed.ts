import { money, sourceUtc, sourceUtcText } from '../crm/time.js';
import { payments } from '../crm/sources.js';
import { id, money as moneyField, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** The catalog says date_attempted and the sample attempted_date: both are sent. */
export const paymentFailed = describeEvent({
  type: 'payment.failed',
  domain: 'Billing',
  summary: 'A payment attempt was declined.',
  description:
    'A payment attempt has been declined (a new unsuccessful dbo.InvoicePayment row). date_attempted and attempted_date carry the same time.',
  source: payments,
  payloadSchema: payloadSchema('payment.failed payload', {
    payment_id: id('The payment attempt'),
    invoice_id: id('The invoice'),
    client_id: id('The client'),
    amount_attempted: moneyField('Amount that failed'),
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
  capture: {
    when: (row) => !row.IsSuccessful,
    createdUtc: (row, zone) => sourceUtc(row.PaymentDate, zone),
    payload: (row, zone) => ({
      payment_id: row.InvoicePaymentID,
      invoice_id: row.InvoiceID,
      client_id: row.ClientID,
      amount_attempted: money(row.Amount),
      failure_reason: row.FailureReason,
      payment_method: row.PaymentMethod,
      date_attempted: sourceUtcText(row.PaymentDate, zone),
      attempted_date: sourceUtcText(row.PaymentDate, zone),
    }),
  },
});
