import type { Db } from '../dialect.js';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What `outbox doctor` asks a database, worded per dialect. */
export interface DoctorDialect {
  /** How to grant the rights a login lacks, as a fix to show. */
  readonly grantAdvice: string;
  serverVersion(db: Db): Promise<string>;
  /** The server's clock: UTC, and its local wall clock as 'YYYY-MM-DDTHH:mm:ss'. */
  serverClock(db: Db): Promise<{ utc: Date; local: string }>;
  /** Whether the login holds the privilege on a table or view ('schema.Name'). */
  hasPrivilege(db: Db, object: string, privilege: TablePrivilege): Promise<boolean>;
  /** Whether the login may apply migrations: create the integration schema, or tables in it. */
  canMigrate(db: Db): Promise<boolean>;
  /** Whether the connection is encrypted (TLS), when the server can tell. */
  encrypted(db: Db): Promise<boolean | null>;
}
