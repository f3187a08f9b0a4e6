import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, type Dialect, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import * as tarn from 'tarn';
import tedious from 'tedious';
import type { DatabaseTarget } from '../config/database-url.js';
import { ConnectionError, describeConnectionFailure } from './connection-error.js';
import { StoreBusyError } from './embedded/store-lock.js';
import type { Db } from './dialect.js';
import type { SqlDialect } from './sql-dialect.js';
import { babelfishDialect } from './dialects/mssql/babelfish.js';
import { isBabelfish } from './dialects/mssql/engine.js';
import { mssqlDialect } from './dialects/mssql/index.js';
import { postgresDialect } from './dialects/postgres/index.js';
import { openEmbeddedStore } from './embedded/open-embedded.js';
import type { StoreOwner } from './embedded/store-lock.js';
import { OriginalErrorMssqlDialect } from './mssql-driver.js';
import { BigIntAsNumberRequest } from './mssql-request.js';
import { lockTimeoutBatch, SessionSettingsConnection } from './mssql-session.js';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../config/timeouts.js';
import { countStatement } from './statement-count.js';
import { PG_PARSERS } from './type-parsers.js';

export interface DatabaseOptions {
  /** 'store' or 'source': named in errors and logs. */
  role: string;
  connectTimeoutMs: number;
  poolMax: number;
  /** An embedded store folder is served on loopback while this process holds it (the service). */
  serveEmbedded?: boolean;
  /** How long a statement waits for another session's lock (SQL Server, PostgreSQL). */
  lockTimeoutMs?: number;
  /** How long the client waits for one SQL Server request. */
  requestTimeoutMs?: number;
}

/** An open database: the query builder, its dialect, and where it is. */
export interface Database {
  readonly db: Db;
  readonly dialect: SqlDialect;
  readonly target: DatabaseTarget;
  readonly role: string;
  /** An embedded store: where it is served (by this process, or by the one holding it). */
  readonly embedded?: { served: { host: string; port: number } | null; heldBy: StoreOwner | null };
  close(): Promise<void>;
}

export function dialectFor(target: DatabaseTarget): SqlDialect {
  return target.kind === 'mssql' ? mssqlDialect : postgresDialect;
}

/** Opens a pool (or the embedded database) and proves it answers, within connectTimeoutMs. */
export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions): Promise<Database> {
  let db: Db;
  let opened: OpenedDialect;
  try {
    opened = await createKyselyDialect(target, options);
    db = new Kysely({ dialect: opened.dialect, log: () => countStatement(options.role) });
  } catch (error) {
    if (error instanceof StoreBusyError) throw new ConnectionError(options.role, target, error.message);
    throw new ConnectionError(options.role, target, describeConnectionFailure(error));
  }
  const release = opened.release;
  const close = async () => {
    try {
      await db.destroy();
    } finally {
      await release?.();
    }
  };
  let dialect: SqlDialect;
  try {
    dialect = await withTimeout(probeDialect(db, target), options.connectTimeoutMs + 1000);
  } catch (error) {
    await close().catch(() => undefined);
    throw new ConnectionError(options.role, target, describeConnectionFailure(error));
  }
  return { db, dialect, target, role: options.role, ...(opened.embedded ? { embedded: opened.embedded } : {}), close };
}

/** Proves the server answers, and tells SQL Server from Babelfish, which needs one statement of its own. */
async function probeDialect(db: Db, target: DatabaseTarget): Promise<SqlDialect> {
  if (target.kind !== 'mssql') {
    await db.executeQuery(CompiledQuery.raw('SELECT 1 AS ok'));
    return postgresDialect;
  }
  return (await isBabelfish(db)) ? babelfishDialect : mssqlDialect;
}

interface OpenedDialect {
  dialect: Dialect;
  embedded?: Database['embedded'];
  release?: () => Promise<void>;
}

/** How long a command waits for another command that holds the embedded store (not the service). */
const EMBEDDED_WAIT_MS = 20_000;

async function createKyselyDialect(target: DatabaseTarget, options: DatabaseOptions): Promise<OpenedDialect> {
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  switch (target.kind) {
    case 'pglite': {
      if (target.dataDir === null) {
        const client = await PGlite.create({ parsers: PG_PARSERS });
        return { dialect: new PGliteDialect(withSimpleQueries(client)) };
      }
      const store = await openEmbeddedStore(target.dataDir, {
        serve: options.serveEmbedded === true,
        waitMs: EMBEDDED_WAIT_MS,
        wrap: withSimpleQueries,
      });
      return { dialect: store.dialect, embedded: { served: store.served, heldBy: store.heldBy }, release: store.release };
    }
    case 'postgres': {
      const pool = new pg.Pool({
        connectionString: target.connectionString,
        max: options.poolMax,
        connectionTimeoutMillis: options.connectTimeoutMs,
        application_name: 'crm-outbox',
        // A session setting sent at connect: a lock wait past it fails with 55P03 (transient).
        lock_timeout: lockTimeoutMs,
        types: {
          getTypeParser: ((oid: number, format?: string) => PG_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as never)) as never,
        },
      });
      // A connection the server drops (restart, failover, pg_terminate_backend) emits 'error'; with
      // no listener Node ends the process. The query in flight fails and its caller retries, so
      // the event itself needs no handling beyond being heard: idle clients through the pool,
      // checked-out ones (pg-pool detaches from those) through their own listener.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      return { dialect: new PostgresDialect({ pool }) };
    }
    case 'mssql':
      return {
        dialect: new OriginalErrorMssqlDialect({
          tarn: { ...tarn, options: { min: 0, max: options.poolMax, acquireTimeoutMillis: options.connectTimeoutMs + 5000 } },
          tedious: {
            ...tedious,
            // Kysely binds a JS Date as the legacy datetime type (3.33 ms steps); bind datetime2.
            TYPES: { ...tedious.TYPES, DateTime: tedious.TYPES.DateTime2 },
            Request: BigIntAsNumberRequest,
            // LOCK_TIMEOUT is a session setting: set once per connection, it bounds every lock
            // wait (1222, transient) of every transaction on it.
            connectionFactory: () =>
              new SessionSettingsConnection(
                {
                  server: target.server,
                  authentication: { type: 'default', options: { userName: target.user, password: target.password } },
                  options: {
                    database: target.database,
                    ...(target.port === null ? {} : { port: target.port }),
                    ...(target.instanceName ? { instanceName: target.instanceName } : {}),
                    encrypt: target.encrypt,
                    trustServerCertificate: target.trustServerCertificate,
                    connectTimeout: options.connectTimeoutMs,
                    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
                    useUTC: true,
                    appName: 'crm-outbox',
                    abortTransactionOnError: true,
                  },
                },
                lockTimeoutBatch(lockTimeoutMs),
              ),
          },
        }),
      };
  }
}

/**
 * PGlite's query() always uses the extended protocol, which takes one statement; the pg driver
 * sends a query without parameters through the simple protocol, which takes a script. Route
 * parameterless queries to exec() so migration and demo scripts run the same on both.
 */
function withSimpleQueries(client: PGlite): PGlite {
  return new Proxy(client, {
    get(target, property) {
      if (property !== 'query') {
        // PGlite keeps #private fields: its methods must run with the real object as `this`.
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return async (text: string, params: unknown[] = []) => {
        if (params.length > 0) return target.query(text, params);
        const results = await target.exec(text);
        return results[results.length - 1] ?? { rows: [], fields: [] };
      };
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
