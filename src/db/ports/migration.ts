import type { Db } from '../dialect.js';

/** What migrations need from a dialect. */
export interface MigrationDialect {
  /** Files are written in batches (T-SQL's GO); the driver runs one batch per request. */
  splitBatches(script: string): string[];
  /** Creates the integration schema and the migration log when absent; safe to run twice. */
  bootstrapScript(): string;
  /**
   * Whether the migration log exists, asked without an error: a failed statement aborts the
   * transaction on some engines (XACT_ABORT, Babelfish) and reads differently on each.
   */
  migrationLogExists(db: Db): Promise<boolean>;
  /** A whole script for a DBA to run by hand: the bootstrap and each file with its log row. */
  printableScript(files: readonly { version: number; name: string; checksum: string; sql: string }[]): string;
}
