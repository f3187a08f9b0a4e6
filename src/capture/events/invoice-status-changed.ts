import type { NewEvent } from '../../outbox/append-events.js';
import { utcText } from '../../outbox/envelope.js';
import { money, sourceUtc } from '../time.js';
import { invoices } from '../sources.js';
import type { InvoiceRow } from './rows.js';

/**
 * The InvoiceStatus of an invoice differs from the one the capture last saw (snapshot in
 * integration.CaptureInvoiceStatus; see ../invoice-status.ts). It happened at the last payment
 * attempt when that explains the change (a payment moved it off Unpaid), else when it was seen.
 * Version numbers the invoice's changes, so each one has its own source key.
 */
export function invoiceStatusChanged(row: InvoiceRow, previous: string, version: number, zone: string, seenAt: Date): NewEvent {
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
