import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import * as tarn from 'tarn';
import tedious from 'tedious';
import type { DatabaseTarget } from '../config/database-url.js';
import { ConnectionError, describeConnectionFailure } from './connection-error.js';
import type { Db, SqlDialect } from './dialect.js';
import { babelfishDialect } from './dialects/mssql/babelfish.js';
import { isBabelfish } from './dialects/mssql/engine.js';
import { mssqlDialect } from './dialects/mssql/index.js';
import { postgresDialect } from './dialects/postgres/index.js';
import { OriginalErrorMssqlDialect } from './mssql-driver.js';
import { BigIntAsNumberRequest } from './mssql-request.js';
import { PG_PARSERS } from './type-parsers.js';

export interface DatabaseOptions {
  /** 'store' or 'source': named in errors and logs. */
  role: string;
  connectTimeoutMs: number;
  poolMax: number;
}

/** An open database: the query builder, its dialect, and where it is. */
export interface Database {
  readonly db: Db;
  readonly dialect: SqlDialect;
  readonly target: DatabaseTarget;
  readonly role: string;
  close(): Promise<void>;
}

export function dialectFor(target: DatabaseTarget): SqlDialect {
  return target.kind === 'mssql' ? mssqlDialect : postgresDialect;
}

/** Opens a pool (or the embedded database) and proves it answers, within connectTimeoutMs. */
export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions): Promise<Database> {
  let db: Db;
  try {
    db = new Kysely({ dialect: await createKyselyDialect(target, options) });
  } catch (error) {
    throw new ConnectionError(options.role, target, describeConnectionFailure(error));
  }
  let dialect: SqlDialect;
  try {
    dialect = await withTimeout(probeDialect(db, target), options.connectTimeoutMs + 1000);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new ConnectionError(options.role, target, describeConnectionFailure(error));
  }
  return { db, dialect, target, role: options.role, close: () => db.destroy() };
}

/** Proves the server answers, and tells SQL Server from Babelfish, which needs one statement of its own. */
async function probeDialect(db: Db, target: DatabaseTarget): Promise<SqlDialect> {
  if (target.kind !== 'mssql') {
    await db.executeQuery(CompiledQuery.raw('SELECT 1 AS ok'));
    return postgresDialect;
  }
  return (await isBabelfish(db)) ? babelfishDialect : mssqlDialect;
}

async function createKyselyDialect(target: DatabaseTarget, options: DatabaseOptions) {
  switch (target.kind) {
    case 'pglite': {
      if (target.dataDir !== null) mkdirSync(target.dataDir, { recursive: true });
      const client = await PGlite.create({
        ...(target.dataDir === null ? {} : { dataDir: target.dataDir }),
        parsers: PG_PARSERS,
      });
      return new PGliteDialect(withSimpleQueries(client));
    }
    case 'postgres': {
      const pool = new pg.Pool({
        connectionString: target.connectionString,
        max: options.poolMax,
        connectionTimeoutMillis: options.connectTimeoutMs,
        application_name: 'crm-outbox',
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
      return new PostgresDialect({ pool });
    }
    case 'mssql':
      return new OriginalErrorMssqlDialect({
        tarn: { ...tarn, options: { min: 0, max: options.poolMax, acquireTimeoutMillis: options.connectTimeoutMs + 5000 } },
        tedious: {
          ...tedious,
          // Kysely binds a JS Date as the legacy datetime type (3.33 ms steps); bind datetime2.
          TYPES: { ...tedious.TYPES, DateTime: tedious.TYPES.DateTime2 },
          Request: BigIntAsNumberRequest,
          connectionFactory: () =>
            new tedious.Connection({
              server: target.server,
              authentication: { type: 'default', options: { userName: target.user, password: target.password } },
              options: {
                database: target.database,
                ...(target.port === null ? {} : { port: target.port }),
                ...(target.instanceName ? { instanceName: target.instanceName } : {}),
                encrypt: target.encrypt,
                trustServerCertificate: target.trustServerCertificate,
                connectTimeout: options.connectTimeoutMs,
                requestTimeout: 0,
                useUTC: true,
                appName: 'crm-outbox',
                abortTransactionOnError: true,
              },
            }),
        },
      });
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
