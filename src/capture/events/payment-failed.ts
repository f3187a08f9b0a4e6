import { money, sourceUtc, sourceUtcText } from '../time.js';
import { payments } from '../sources.js';
import { defineEvent } from './definition.js';

/** The catalog says date_attempted and the sample attempted_date: both are sent. */
export const paymentFailed = defineEvent({
  type: 'payment.failed',
  source: payments,
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
});
