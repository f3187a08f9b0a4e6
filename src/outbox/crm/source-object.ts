import type { SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/dialect.js';
import type { AnySelect } from '../../db/sql-dialect.js';

/** A row as a source object's read gives it: its selected columns, and its key as "key". */
export type KeyedRow = Record<string, unknown> & { key: number };

/**
 * A CRM table or view read by key: the columns the events need (never SELECT *, never a blob)
 * and the identity the watermark follows. Every row is read, whatever its kind, so the keys the
 * capture sees are contiguous unless a transaction has not committed yet (see engine.ts).
 */
export interface SourceObject<Row = KeyedRow> {
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
  /** Never set: the type of the rows `select` gives, which the event definitions read. */
  readonly row?: Row;
}

/** The rows of a source object, typed from its select list. */
export type SourceRow<Source> = Source extends SourceObject<infer Row> ? Row : never;

/**
 * A source object whose row type is its select list's, as Kysely infers it from the CRM's
 * tables: an event definition that reads a column the list does not select fails to compile.
 */
export function defineSource<Row extends { key: number }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  source: Omit<SourceObject<Row>, 'select' | 'row'> & { select(db: Db): SelectQueryBuilder<any, any, Row> },
): SourceObject<Row> {
  return source;
}
