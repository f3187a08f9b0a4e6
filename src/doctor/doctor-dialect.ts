import type { Db } from '../db/dialect.js';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** Database settings the service depends on where the engine has them (SQL Server). */
export interface DatabaseSettings {
  database: string;
  /** sys.databases.compatibility_level. */
  compatibilityLevel: number;
  /** The level every statement of the service needs (OPENJSON: 130); null where the engine runs them at any level. */
  requiredLevel: number | null;
  readCommittedSnapshot: boolean;
  snapshotIsolation: boolean;
}

/** What `outbox doctor` asks a database, worded per dialect. */
export interface DoctorDialect {
  serverVersion(db: Db): Promise<string>;
  /** The server's clock: UTC, and its local wall clock as 'YYYY-MM-DDTHH:mm:ss'. */
  serverClock(db: Db): Promise<{ utc: Date; local: string }>;
  /** Whether the login holds the privilege on a table or view ('schema.Name'). */
  hasPrivilege(db: Db, object: string, privilege: TablePrivilege): Promise<boolean>;
  /** Whether the login may apply migrations: create the integration schema, or tables in it. */
  canMigrate(db: Db): Promise<boolean>;
  /** The connected database's level and row-versioning settings; null on engines without them (PostgreSQL). */
  databaseSettings(db: Db): Promise<DatabaseSettings | null>;
  /** Whether the connection is encrypted (TLS), when the server can tell. */
  encrypted(db: Db): Promise<boolean | null>;
}
