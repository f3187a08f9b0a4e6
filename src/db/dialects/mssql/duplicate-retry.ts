import { sql, type RawBuilder } from 'kysely';

/** A writer that keeps colliding is not racing one other writer: its error is the caller's. */
const ATTEMPTS = 3;

/**
 * T-SQL that runs `insert`, one INSERT ... WHERE NOT EXISTS, and leaves the count it inserted in
 * @inserted. The existence probe takes no range lock (HOLDLOCK's key-range locks, held to commit,
 * deadlocked fan-outs, recover and retention): two writers of one key can both pass it, and the
 * unique constraint stops the second with 2627/2601 once the first commits. That row is there
 * now, which is all the insert wanted: the statement runs again, and its probe skips it.
 * XACT_ABORT is off around the insert only, so that a duplicate key ends the statement and not
 * the transaction; any other error, or a transaction that cannot commit, is rethrown with
 * XACT_ABORT on again, and THROW honours it. `beforeRetry` (statements, each ending in ';') runs before a retry.
 * https://learn.microsoft.com/sql/t-sql/statements/set-xact-abort-transact-sql
 */
export function insertSkippingDuplicates(insert: RawBuilder<unknown>, beforeRetry: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  return sql`
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        ${insert};
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= ${sql.lit(ATTEMPTS)}
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        ${beforeRetry}
      END CATCH;
    END;
    SET XACT_ABORT ON;`;
}
