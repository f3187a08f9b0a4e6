import { CompiledQuery, type DatabaseConnection, type Driver, MssqlDialect, MssqlDriver, type MssqlDialectConfig } from 'kysely';

/**
 * With XACT_ABORT ON (tedious' abortTransactionOnError) most errors end the transaction on the
 * server before the client hears of them. Kysely then sends ROLLBACK, which fails with 3903
 * ("no corresponding BEGIN TRANSACTION"), and throws that instead of the error that mattered: a
 * deadlock (1205) would no longer look transient, a migration would report 3903. This driver asks
 * the server first and rolls back only a transaction that is still open, so Kysely rethrows the
 * original error.
 * https://learn.microsoft.com/sql/t-sql/statements/set-xact-abort-transact-sql
 */
class OriginalErrorMssqlDriver extends MssqlDriver {
  // MssqlDriver types its connection as its own private class; a DatabaseConnection is what it is given.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const state = await transactionState(connection);
    if (state === 'open') await super.rollbackTransaction(connection as never);
    // The connection could not even answer: the rollback fails the same way, and its error would
    // hide the one that broke the transaction.
    else if (state === 'unknown') await super.rollbackTransaction(connection as never).catch(() => undefined);
    // A batch cancelled (request timeout) inside insertSkippingDuplicates' window would leave
    // XACT_ABORT off for the pooled connection's next transaction.
    if (state !== 'unknown') await connection.executeQuery(CompiledQuery.raw('SET XACT_ABORT ON')).catch(() => undefined);
  }
}

/** 'closed' when the server has no transaction on this connection any more; 'open' or 'unknown' otherwise. */
async function transactionState(connection: DatabaseConnection): Promise<'open' | 'closed' | 'unknown'> {
  try {
    const result = await connection.executeQuery<{ depth: number }>(CompiledQuery.raw('SELECT @@TRANCOUNT AS depth'));
    return Number(result.rows[0]?.depth ?? 1) === 0 ? 'closed' : 'open';
  } catch {
    return 'unknown';
  }
}

/** Kysely's MssqlDialect whose failed transactions surface the error that failed them. */
export class OriginalErrorMssqlDialect extends MssqlDialect {
  readonly #config: MssqlDialectConfig;

  constructor(config: MssqlDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new OriginalErrorMssqlDriver(this.#config);
  }
}
