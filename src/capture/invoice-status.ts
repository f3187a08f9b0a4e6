import { sql } from 'kysely';
import { chunks, IDS_PER_STATEMENT, ROWS_PER_WRITE } from '../db/chunks.js';
import type { Db, Trx } from '../db/dialect.js';
import { type AppendResult, appendEvents, type NewEvent } from '../outbox/append-events.js';
import type { InvoiceStatusRow } from '../db/ports/capture.js';
import { defineRowHook, type RowHook } from './events/definition.js';
import { invoiceStatusChangedEvent } from '../outbox/events/invoice-status-changed.js';
import type { InvoiceRow } from '../outbox/events/rows.js';
import { type CaptureContext, sourceReader } from './options.js';
import { invoices, payments } from '../outbox/crm/sources.js';

/** Every writer of the invoice snapshot holds this lock, and reads the view only while holding it. */
export const INVOICE_STATUS_LOCK = 'outbox.capture:invoice-status';

/** The view's rows for these invoices, read from the source. */
export async function readInvoices(ctx: CaptureContext, db: Db, ids: readonly number[]): Promise<InvoiceRow[]> {
  const rows: InvoiceRow[] = [];
  for (const part of chunks([...new Set(ids)], IDS_PER_STATEMENT)) {
    const found = await invoices
      .select(db)
      .where(sql<boolean>`${sql.ref(invoices.key)} in (${sql.join(part)})`)
      .execute();
    rows.push(...(found as InvoiceRow[]));
  }
  return rows;
}

/**
 * Compares rows of the view with the last status seen for each: an invoice seen for the first
 * time gets its baseline and no event (invoice.created is the keyed event's job); a different
 * status is one invoice.status_changed. The caller holds INVOICE_STATUS_LOCK and read the rows
 * after taking it, so two instances never compare against a snapshot the other is changing.
 */
export async function compareInvoiceStatuses(trx: Trx, ctx: CaptureContext, rows: readonly InvoiceRow[]): Promise<AppendResult> {
  const seen = new Map<number, { Status: string; Version: number }>();
  for (const part of chunks(
    rows.map((r) => r.InvoiceID),
    IDS_PER_STATEMENT,
  )) {
    const snapshot = await trx
      .selectFrom('integration.CaptureInvoiceStatus')
      .select(['InvoiceID', 'Status', 'Version'])
      .where('InvoiceID', 'in', part)
      .execute();
    snapshot.forEach((s) => seen.set(Number(s.InvoiceID), { Status: s.Status, Version: s.Version }));
  }
  const now = ctx.now();
  const events: NewEvent[] = [];
  const writes: InvoiceStatusRow[] = [];
  for (const row of rows) {
    const last = seen.get(row.InvoiceID);
    if (!last) {
      writes.push({ i: row.InvoiceID, s: row.InvoiceStatus, v: 0 });
    } else if (last.Status !== row.InvoiceStatus) {
      const version = last.Version + 1;
      events.push(invoiceStatusChangedEvent(row, last.Status, version, ctx.zone, now));
      writes.push({ i: row.InvoiceID, s: row.InvoiceStatus, v: version });
    }
  }
  const appended = await appendEvents(trx, ctx.store.dialect, ctx.companyId, events, now);
  for (const part of chunks(writes, ROWS_PER_WRITE)) await ctx.store.dialect.capture.upsertInvoiceStatuses(trx, part);
  return appended;
}

/**
 * invoice.status_changed in the capture cycles: the invoices read are compared with the snapshot,
 * and a cycle of payments re-reads from the view only the invoices they touched (the fast path).
 */
export const INVOICE_STATUS_HOOKS: readonly RowHook[] = [
  defineRowHook({
    source: invoices,
    lock: INVOICE_STATUS_LOCK,
    afterEvents: (trx, ctx, _reader, rows) => compareInvoiceStatuses(trx, ctx, rows),
  }),
  defineRowHook({
    source: payments,
    lock: INVOICE_STATUS_LOCK,
    async afterEvents(trx, ctx, reader, rows) {
      if (rows.length === 0) return undefined;
      const touched = await readInvoices(
        ctx,
        reader,
        rows.map((p) => p.InvoiceID),
      );
      return compareInvoiceStatuses(trx, ctx, touched);
    },
  }),
];

/**
 * The scheduled reconciliation: the whole view in keyset pages, each page one store transaction,
 * to catch status changes made other than by a new payment (a payment deleted or corrected, an
 * amount edited). Returns the invoice.status_changed events written.
 */
export async function reconcileInvoiceStatuses(ctx: CaptureContext, shouldStop: () => boolean = () => false): Promise<number> {
  let after = 0;
  let written = 0;
  for (;;) {
    if (shouldStop()) return written;
    const page = await ctx.store.db.transaction().execute(async (trx) => {
      await ctx.store.dialect.lockForTransaction(trx, INVOICE_STATUS_LOCK, true);
      const rows = (await ctx.source.dialect
        .first(
          invoices
            .select(sourceReader(ctx, trx))
            .where(sql<boolean>`${sql.ref(invoices.key)} > ${after}`)
            .orderBy(sql.ref(invoices.key)),
          ctx.reconcilePageSize,
        )
        .execute()) as InvoiceRow[];
      written += (await compareInvoiceStatuses(trx, ctx, rows)).inserted;
      return rows;
    });
    const last = page[page.length - 1];
    if (!last || page.length < ctx.reconcilePageSize) return written;
    after = last.InvoiceID;
  }
}
