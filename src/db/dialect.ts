import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { DoctorDialect } from '../doctor/doctor-dialect.js';
import type { ApiDialect } from '../api/api-dialect.js';
import type { CaptureDialect } from '../capture/capture-dialect.js';
import type { DeliveryDialect } from '../delivery/delivery-dialect.js';
import type { OutboxDialect } from '../outbox/outbox-dialect.js';
import type { RetentionDialect } from '../retention/retention-dialect.js';
import type { DeliveryStatus } from './store-tables.js';
import type { Tables } from './tables.js';

export type DialectName = 'postgres' | 'mssql';
export type Db = Kysely<Tables>;
export type Trx = Transaction<Tables>;

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

/**
 * Everything that differs between SQL Server and PostgreSQL (and PGlite, which is PostgreSQL)
 * is reached through this object. Each dialect keeps its statements in its own folder,
 * src/db/dialects/<name>/, one file per part of the service.
 */
export interface SqlDialect {
  readonly name: DialectName;
  readonly migration: MigrationDialect;
  readonly outbox: OutboxDialect;
  readonly retention: RetentionDialect;
  readonly doctor: DoctorDialect;
  readonly api: ApiDialect;
  readonly capture: CaptureDialect;
  readonly delivery: DeliveryDialect;
  /**
   * Takes a lock owned by the transaction, released at commit or rollback. With wait=false it
   * answers false at once when another session holds it.
   */
  lockForTransaction(trx: Trx, resource: string, wait: boolean): Promise<boolean>;
  /**
   * Bounds an UPDATE or DELETE to `rows` rows where one statement's row locks would escalate to a
   * table lock (UPDATE TOP (n) on SQL Server); PostgreSQL never escalates, and leaves it whole.
   * Run it with inRounds (src/db/chunks.ts).
   */
  boundWrite<Q extends { top(rows: number): Q }>(query: Q, rows: number): Q;
  /**
   * A delivery status written into the statement as a literal. SQL Server uses a filtered index
   * (WHERE Status = N'pending') only for a predicate it can match at compile time, never for a
   * parameter: compared with a parameter, queue counts and cancels scan the table.
   */
  deliveryStatus(status: DeliveryStatus): RawBuilder<DeliveryStatus>;
  /** Inserts one row and returns its identity (RETURNING on PostgreSQL, OUTPUT on SQL Server). */
  insertReturningId<T extends keyof Tables & string>(
    db: Db | Trx,
    table: T,
    values: Record<string, unknown>,
    idColumn: string,
  ): Promise<number>;
}
