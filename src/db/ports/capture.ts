import type { Trx } from '../dialect.js';

/** Keys first..last of one source object, both included. */
export interface KeyRange {
  first: number;
  last: number;
}

/** A range of keys the watermark passed while they were missing, and when it passed them. */
export interface GapRange extends KeyRange {
  seenUtc: Date;
}

/** One row of the invoice status snapshot, for a batch upsert. */
export interface InvoiceStatusRow {
  i: number;
  s: string;
  v: number;
}

/** The capture statements that differ by dialect. */
export interface CaptureDialect {
  /** Records key ranges the watermark passed while they were missing (none of them recorded yet). */
  insertGapRanges(trx: Trx, sourceName: string, ranges: readonly GapRange[]): Promise<void>;
  /** Inserts or updates the last seen status of each invoice, from one JSON parameter. */
  upsertInvoiceStatuses(trx: Trx, rows: readonly InvoiceStatusRow[]): Promise<void>;
}
