import { money, sourceUtc, sourceUtcText } from '../time.js';
import { payments } from '../sources.js';
import { defineEvent } from './definition.js';

export const paymentSucceeded = defineEvent({
  type: 'payment.succeeded',
  source: payments,
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
});
