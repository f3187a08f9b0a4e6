import type { Db } from '../dialect.js';

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
  /** How to grant the rights a login lacks, as a fix to show. */
  readonly grantAdvice: string;
  /** Said after objects the login cannot find: on SQL Server they may exist but be hidden from it. */
  readonly hiddenObjectsNote: string;
  serverVersion(db: Db): Promise<string>;
  /** The server's clock: UTC, and its local wall clock as 'YYYY-MM-DDTHH:mm:ss'. */
  serverClock(db: Db): Promise<{ utc: Date; local: string }>;
  /**
   * Whether a table or view ('schema.Name') exists as far as this login can tell (SQL Server hides
   * objects a login has no right on, so there "no" may also mean "no right").
   */
  objectExists(db: Db, object: string): Promise<boolean>;
  /** Whether the login holds the privilege on a table or view ('schema.Name'). */
  hasPrivilege(db: Db, object: string, privilege: TablePrivilege): Promise<boolean>;
  /** Whether the login may apply migrations: create the integration schema, or tables in it. */
  canMigrate(db: Db): Promise<boolean>;
  /** The connected database's level and row-versioning settings; null on engines without them (PostgreSQL). */
  databaseSettings(db: Db): Promise<DatabaseSettings | null>;
  /** Whether the connection is encrypted (TLS), when the server can tell. */
  encrypted(db: Db): Promise<boolean | null>;
}
