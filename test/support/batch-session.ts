import tedious from 'tedious';
import { parseDatabaseUrl } from '../../src/config/database-url.js';

export interface BatchOutcome {
  rows: unknown[][];
  /** The server's error for the batch, if it failed. */
  error?: string;
}

/**
 * One T-SQL session that sends each batch as SSMS does: as a SQL batch (not sp_executesql), with
 * the session defaults (XACT_ABORT OFF), one after the other on the same connection, and carries
 * on after a batch fails.
 */
export class BatchSession {
  private constructor(private readonly connection: tedious.Connection) {}

  static async open(url: string): Promise<BatchSession> {
    const target = parseDatabaseUrl(url);
    if (target.kind !== 'mssql') throw new Error('a T-SQL batch session needs an mssql URL');
    const connection = new tedious.Connection({
      server: target.server,
      authentication: { type: 'default', options: { userName: target.user, password: target.password } },
      options: {
        database: target.database,
        ...(target.port === null ? {} : { port: target.port }),
        encrypt: target.encrypt,
        trustServerCertificate: target.trustServerCertificate,
        rowCollectionOnRequestCompletion: true,
      },
    });
    await new Promise<void>((resolve, reject) => {
      connection.connect((error) => (error ? reject(error) : resolve()));
    });
    return new BatchSession(connection);
  }

  run(batch: string): Promise<BatchOutcome> {
    return new Promise((resolve) => {
      const request = new tedious.Request(batch, (error, _count, rows?: { value: unknown }[][]) => {
        const values = (rows ?? []).map((row) => row.map((column) => column.value));
        resolve(error ? { rows: values, error: error.message } : { rows: values });
      });
      this.connection.execSqlBatch(request);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.connection.on('end', () => resolve());
      this.connection.close();
    });
  }
}
