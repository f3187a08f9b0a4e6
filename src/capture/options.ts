import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import type { Db, Trx } from '../db/dialect.js';
import type { Logger } from '../logging/logger.js';

/** What one capture run needs: the two databases and the resolved settings. */
export interface CaptureContext {
  /** The CRM: every source read goes here. */
  readonly source: Database;
  /** The integration schema: watermarks, gaps, snapshot and outbox, in one transaction. */
  readonly store: Database;
  readonly companyId: number;
  /** The CRM server's IANA zone. */
  readonly zone: string;
  readonly batchSize: number;
  /** How long a missing key range is re-read before it is given up: above the longest CRM transaction. */
  readonly gapTimeoutMs: number;
  readonly reconcilePageSize: number;
  readonly logger: Logger;
  /** The clock, injectable for tests. */
  now(): Date;
}

export function captureContext(
  config: Config,
  source: Database,
  store: Database,
  logger: Logger,
  now: () => Date = () => new Date(),
): CaptureContext {
  return {
    source,
    store,
    companyId: config.companyId,
    zone: config.source.timezone,
    batchSize: config.capture.batchSize,
    gapTimeoutMs: config.capture.gapTimeoutMs,
    reconcilePageSize: config.capture.reconcilePageSize,
    logger,
    now,
  };
}

/**
 * Where a cycle reads the source: through the store transaction when both are one database (one
 * connection, and an embedded database has only one), else through the source's own pool.
 */
export function sourceReader(ctx: CaptureContext, trx: Trx): Db {
  return ctx.source === ctx.store ? trx : ctx.source.db;
}
