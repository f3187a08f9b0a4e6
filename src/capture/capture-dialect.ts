import type { SelectQueryBuilder } from 'kysely';
import type { Trx } from '../db/dialect.js';
import type { GapRange } from './gap-ranges.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySelect = SelectQueryBuilder<any, any, any>;

/** One row of the invoice status snapshot, for a batch upsert. */
export interface InvoiceStatusRow {
  i: number;
  s: string;
  v: number;
}

/** The capture statements that differ by dialect. */
export interface CaptureDialect {
  /** The first n rows of an ordered keyset read: LIMIT on PostgreSQL, TOP on SQL Server. */
  first<Q extends AnySelect>(query: Q, n: number): Q;
  /** Records key ranges the watermark passed while they were missing (none of them recorded yet). */
  insertGapRanges(trx: Trx, sourceName: string, ranges: readonly GapRange[]): Promise<void>;
  /** Inserts or updates the last seen status of each invoice, from one JSON parameter. */
  upsertInvoiceStatuses(trx: Trx, rows: readonly InvoiceStatusRow[]): Promise<void>;
}
