import type { Logger } from '../logging/logger.js';

const PG_LOCK_NOT_AVAILABLE = '55P03';
const MSSQL_LOCK_TIMEOUT = 1222;
// Babelfish (the T-SQL engine on PostgreSQL) does not map lock_timeout to 1222: it answers its
// catch-all number with PostgreSQL's wording.
const BABELFISH_UNMAPPED = 33557097;
const PG_LOCK_TIMEOUT_MESSAGE = /canceling statement due to lock timeout/i;

interface DriverError {
  code?: string;
  number?: number;
  errors?: DriverError[];
  cause?: DriverError;
}

// PostgreSQL SQLSTATE classes and codes that mean "try again": connection exceptions (08),
// admin shutdown/crash/cannot connect now (57P01-57P03), serialization failure and deadlock,
// lock_timeout passed (55P03).
// https://www.postgresql.org/docs/current/errcodes-appendix.html
const PG_TRANSIENT = new Set(['57P01', '57P02', '57P03', '40001', '40P01', '53300', PG_LOCK_NOT_AVAILABLE]);
// SQL Server: 1205 deadlock victim, 1222 lock timeout, 40613/40197/40501/49918-49920 Azure SQL
// failovers and throttling, 4060 database unavailable, 233/10053/10054/10060 network.
const MSSQL_TRANSIENT = new Set([1205, MSSQL_LOCK_TIMEOUT, 40613, 40197, 40501, 49918, 49919, 49920, 4060, 233, 10053, 10054, 10060]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ESOCKET',
  'ETIMEOUT',
  'ECONNCLOSED',
]);

/**
 * Whether a statement gave up waiting for another session's lock (LOCK_TIMEOUT on SQL Server,
 * lock_timeout on PostgreSQL): transient, and about the rows it waited for, not the database.
 */
export function isLockTimeout(error: unknown): boolean {
  const e = (error ?? {}) as DriverError & { message?: string };
  if (e.code === PG_LOCK_NOT_AVAILABLE || e.number === MSSQL_LOCK_TIMEOUT) return true;
  if (e.number === BABELFISH_UNMAPPED && PG_LOCK_TIMEOUT_MESSAGE.test(e.message ?? '')) return true;
  const inner = e.errors?.[0] ?? e.cause;
  return inner !== undefined && inner !== error ? isLockTimeout(inner) : false;
}

/** Whether a database error will likely pass by itself (a restart, a failover, a deadlock). */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = (error ?? {}) as DriverError & { message?: string };
  const code = e.code ?? '';
  if (NETWORK_CODES.has(code) || PG_TRANSIENT.has(code) || code.startsWith('08')) return true;
  if (typeof e.number === 'number' && MSSQL_TRANSIENT.has(e.number)) return true;
  if (isLockTimeout(error)) return true;
  if (
    /Connection terminated|terminating connection|Client has encountered a connection error|Connection lost|not connected/i.test(
      e.message ?? '',
    )
  )
    return true;
  const inner = e.errors?.[0] ?? e.cause;
  return inner !== undefined && inner !== error ? isTransientDatabaseError(inner) : false;
}

// Errors about the values of one row rather than the database: PostgreSQL classes 22 (data
// exception: bad text, bad JSON, too long) and 23 (integrity: a foreign key to a deleted row);
// SQL Server 515 (NULL), 547 (constraint), 2601/2627 (duplicate key), 8152/2628 (truncation),
// 241/245/8114 (conversion), 13609 (JSON text).
const MSSQL_DATA = new Set([515, 547, 2601, 2627, 8152, 2628, 241, 245, 8114, 13609]);

/** Whether a statement failed because of the values it carried, so the same rows would fail again. */
export function isDataError(error: unknown): boolean {
  const e = (error ?? {}) as DriverError;
  const code = e.code ?? '';
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return true;
  if (typeof e.number === 'number' && MSSQL_DATA.has(e.number)) return true;
  const inner = e.errors?.[0] ?? e.cause;
  return inner !== undefined && inner !== error ? isDataError(inner) : false;
}

/** Exponential backoff with full jitter, capped: 0.5 s, 1 s, 2 s ... up to 30 s. */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 500, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Logs a database outage once when it starts and once when it ends, however many polls fail in
 * between: a loop calls failed() on each error and succeeded() after each good cycle.
 */
export class OutageLog {
  #since: Date | undefined;
  #failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get inOutage(): boolean {
    return this.#since !== undefined;
  }

  /** Returns the delay before the next try. */
  failed(error: unknown): number {
    if (this.#since === undefined) {
      this.#since = this.now();
      this.logger.warn(`${this.what} unavailable, retrying with backoff: ${(error as Error).message ?? String(error)}`, {
        component: 'outage',
      });
    }
    return backoffMs(this.#failures++);
  }

  succeeded(): void {
    if (this.#since === undefined) return;
    const seconds = Math.round((this.now().getTime() - this.#since.getTime()) / 1000);
    this.logger.info(`${this.what} available again after ${seconds} s (${this.#failures} failed tries)`, { component: 'outage' });
    this.#since = undefined;
    this.#failures = 0;
  }
}
