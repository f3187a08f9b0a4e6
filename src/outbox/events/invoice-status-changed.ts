import { utcText } from '../envelope.js';
import { money, sourceUtc } from '../crm/time.js';
import { invoices } from '../crm/sources.js';
import type { InvoiceRow } from './rows.js';
import { day, id, money as moneyField, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { type CapturedEvent, describeEvent, sampleEnvelope } from './event.js';

export const invoiceStatusChanged = describeEvent({
  type: 'invoice.status_changed',
  domain: 'Billing',
  summary: "An invoice's payment status changed (Unpaid to Paid, …).",
  description:
    "An invoice's payment status has changed (Unpaid to Paid, etc.), seen by comparing api.vwInvoiceDetails with the status last seen.",
  source: invoices,
  payloadSchema: payloadSchema('invoice.status_changed payload', {
    invoice_id: id('The invoice'),
    client_id: id('The client billed'),
    previous_status: text('Status before the change'),
    new_status: text('Paid, Partial, Unpaid or Failed'),
    changed_date: utcTime('When it changed: the payment that moved it, else when it was seen'),
    total_paid: moneyField('Sum of successful payments'),
    balance: moneyField('Amount still owed'),
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
});

/**
 * The InvoiceStatus of an invoice differs from the one the capture last saw (snapshot in
 * integration.CaptureInvoiceStatus; see ../invoice-status.ts). It happened at the last payment
 * attempt when that explains the change (a payment moved it off Unpaid), else when it was seen.
 * Version numbers the invoice's changes, so each one has its own source key.
 */
export function invoiceStatusChangedEvent(
  row: InvoiceRow,
  previous: string,
  version: number,
  zone: string,
  seenAt: Date,
): CapturedEvent<'invoice.status_changed'> {
  const paidAt = row.LastPaymentDate === null ? null : sourceUtc(row.LastPaymentDate, zone);
  const createdUtc = paidAt !== null && row.InvoiceStatus !== 'Unpaid' ? paidAt : seenAt;
  return {
    type: 'invoice.status_changed',
    sourceKey: `${invoices.name}:${row.InvoiceID}:${version}`,
    createdUtc,
    payload: {
      invoice_id: row.InvoiceID,
      client_id: row.ClientID,
      previous_status: previous,
      new_status: row.InvoiceStatus,
      changed_date: utcText(createdUtc),
      total_paid: money(row.TotalPaid),
      balance: money(row.Balance),
      payment_date: paidAt === null ? null : utcText(paidAt).slice(0, 10),
    },
    metadata: { source: invoices.name, key: row.InvoiceID, version },
  };
}
