import type { RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Db, DialectName, Trx } from './dialect.js';
import type { ApiDialect } from './ports/api.js';
import type { CaptureDialect } from './ports/capture.js';
import type { DeliveryDialect } from './ports/delivery.js';
import type { DoctorDialect } from './ports/doctor.js';
import type { MigrationDialect } from './ports/migration.js';
import type { OutboxDialect } from './ports/outbox.js';
import type { RetentionDialect } from './ports/retention.js';
import type { DeliveryStatus } from './store-tables.js';
import type { Tables } from './tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * Everything that differs between SQL Server and PostgreSQL (and PGlite, which is PostgreSQL)
 * is reached through this object. Each dialect keeps its statements in its own folder,
 * src/db/dialects/<name>/, one file per part of the service, each implementing that part's port
 * (src/db/ports/<part>.ts).
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
  /** The first n rows of an ordered read: LIMIT on PostgreSQL, TOP on SQL Server. */
  first<Q extends AnySelect>(query: Q, n: number): Q;
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
