import type { Db } from '../db/dialect.js';
import type { AnySelect } from '../db/sql-dialect.js';

/**
 * A CRM table or view read by key: the columns the events need (never SELECT *, never a blob)
 * and the identity the watermark follows. Every row is read, whatever its kind, so the keys the
 * capture sees are contiguous unless a transaction has not committed yet (see engine.ts).
 */
export interface SourceObject {
  /** 'dbo.Client': the watermark's name and the prefix of each event's source key. */
  readonly name: string;
  /** The key column, qualified by the query's alias, e.g. 'c.ClientID'; selected as "key". */
  readonly key: string;
  /**
   * The table the key is the identity of, when `name` is a view (the invoice view's InvoiceID is
   * dbo.Invoice's): the loop's probe reads the newest key there. Defaults to `name`.
   */
  readonly keyTable?: string;
  /** The datetime column that dates a row, for `outbox backfill --since`. */
  readonly dateColumn: string;
  /** The read with its joins and columns; the engine adds the key range, order and limit. */
  select(db: Db): AnySelect;
}
