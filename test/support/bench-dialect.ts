import type { TestDialect } from './databases.js';

/**
 * The engine a benchmark's store runs on: OUTBOX_BENCH_DIALECT=postgres (default) or mssql, which
 * uses the server in OUTBOX_TEST_MSSQL_URL (SQL Server, or the T-SQL engine CI starts).
 */
export function benchDialect(): TestDialect {
  const name = process.env['OUTBOX_BENCH_DIALECT'] ?? 'postgres';
  if (name !== 'postgres' && name !== 'mssql') throw new Error(`OUTBOX_BENCH_DIALECT must be postgres or mssql, got "${name}"`);
  return name;
}
