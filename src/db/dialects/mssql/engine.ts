import { sql } from 'kysely';
import type { Db } from '../../dialect.js';

/**
 * Whether this T-SQL server is Babelfish for PostgreSQL rather than SQL Server: it runs T-SQL on
 * PostgreSQL and lacks a few statements (ALTER DATABASE ... SET among them). Its @@VERSION
 * starts with its name.
 */
export async function isBabelfish(db: Db): Promise<boolean> {
  const result = await sql<{ version: string }>`SELECT @@VERSION AS version`.execute(db);
  return (result.rows[0]?.version ?? '').startsWith('Babelfish');
}
