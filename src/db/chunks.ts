import type { DeleteResult, UpdateResult } from 'kysely';
import type { SqlDialect } from './sql-dialect.js';

/**
 * Keys per IN list or JSON id list: SQL Server takes at most 2,100 parameters a request, and a
 * list this long is still one short statement on every engine.
 */
export const IDS_PER_STATEMENT = 1000;

/**
 * Rows one write statement may touch. SQL Server tries to escalate a statement's row locks to a
 * table lock once it holds 5,000 on one table, which would stall every dispatcher and the API
 * for the rest of the transaction; 2,000 keeps each statement well below that, with room for the
 * key locks of its indexes.
 * https://learn.microsoft.com/sql/relational-databases/sql-server-transaction-locking-and-row-versioning-guide#lock-escalation
 */
export const ROWS_PER_WRITE = 2000;

/** The items in consecutive slices of at most `size`, in order. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/**
 * Runs a write bounded to `size` rows (UPDATE TOP (n) / DELETE TOP (n)) until a round touches
 * fewer: every round must move the rows it touched out of its WHERE clause. Returns the rows
 * touched in all. An engine that leaves the statement unbounded finishes in its first round and
 * confirms with a second that finds nothing.
 */
export async function inRounds(size: number, round: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const touched = await round();
    total += touched;
    if (touched < size) return total;
  }
}

/** An UPDATE or DELETE that can be bounded to its first n rows. */
interface BoundableWrite<Q> {
  top(rows: number): Q;
  executeTakeFirst(): Promise<UpdateResult | DeleteResult>;
}

/**
 * Runs an UPDATE or DELETE ROWS_PER_WRITE rows a statement (UPDATE TOP (n) where the dialect
 * bounds writes) until none is left. The write must move the rows it touches out of its WHERE
 * clause. Returns the rows touched in all.
 */
export function writeInRounds<Q extends BoundableWrite<Q>>(dialect: Pick<SqlDialect, 'boundWrite'>, query: Q): Promise<number> {
  return inRounds(ROWS_PER_WRITE, async () => {
    const result = await dialect.boundWrite(query, ROWS_PER_WRITE).executeTakeFirst();
    return Number('numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows);
  });
}
