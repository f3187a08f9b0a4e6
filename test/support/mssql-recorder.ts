import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  type QueryResult,
} from 'kysely';
import type { Database } from '../../src/db/connect.js';
import { mssqlDialect } from '../../src/db/dialects/mssql/index.js';
import type { Tables } from '../../src/db/tables.js';

export interface RecordedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** Answers a recorded statement with rows, so an operation that reads can go on. */
export type Responder = (statement: RecordedStatement) => Record<string, unknown>[];

/**
 * A Kysely database that compiles every statement through Kysely's SQL Server compiler and
 * records it instead of sending it: no SQL Server engine runs on our machines, so this is how
 * every T-SQL statement the service issues is reviewed (test/snapshots/mssql/*.sql).
 */
export function recordingMssqlDatabase(respond: Responder = () => []): { database: Database; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const statement = { sql: query.sql, parameters: query.parameters };
      statements.push(statement);
      // An application lock is always granted here; every other answer comes from the case.
      const rows = (statement.sql.includes('sp_getapplock') ? [{ granted: 0 }] : respond(statement)) as R[];
      return { rows, numAffectedRows: BigInt(rows.length) };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('streaming is not recorded');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      statements.push({ sql: 'BEGIN TRANSACTION', parameters: [] });
    },
    commitTransaction: async () => {
      statements.push({ sql: 'COMMIT TRANSACTION', parameters: [] });
    },
    rollbackTransaction: async () => {
      statements.push({ sql: 'ROLLBACK TRANSACTION', parameters: [] });
    },
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const db = new Kysely<Tables>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => driver,
      createQueryCompiler: () => new MssqlQueryCompiler(),
      createIntrospector: (k) => new MssqlIntrospector(k),
    },
  });
  const database: Database = {
    db,
    dialect: mssqlDialect,
    role: 'store',
    target: {
      kind: 'mssql',
      server: 'snapshot',
      port: 1433,
      instanceName: null,
      database: 'crm',
      user: 'outbox',
      password: '',
      encrypt: true,
      trustServerCertificate: false,
    },
    close: () => db.destroy(),
  };
  return { database, statements };
}

/** One store operation whose SQL Server statements are kept in a reviewed snapshot. */
export interface MssqlStatementCase {
  name: string;
  run(database: Database): Promise<unknown>;
  respond?: Responder;
}
