import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { isBabelfish } from '../../src/db/dialects/mssql/engine.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';

export type TestDialect = 'postgres' | 'pglite' | 'mssql';

/** Which engines the integration suites run on: OUTBOX_TEST_DIALECTS=postgres,pglite,mssql. */
export const TEST_DIALECTS: TestDialect[] = (process.env['OUTBOX_TEST_DIALECTS'] ?? 'postgres,pglite,mssql')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is TestDialect => name === 'postgres' || name === 'pglite' || name === 'mssql');

export const PG_ADMIN_URL = process.env['OUTBOX_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MSSQL_URL = process.env['OUTBOX_TEST_MSSQL_URL'];

export interface TestDatabase {
  /** A URL the service's config accepts for this database. */
  url: string;
  drop(): Promise<void>;
}

function uniqueName(): string {
  return `outbox_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A fresh, empty database on the engine, dropped by drop(). */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  switch (dialect) {
    case 'pglite':
      return { url: 'pglite:memory', drop: async () => undefined };
    case 'postgres': {
      const name = uniqueName();
      await withPgAdmin((client) => client.query(`CREATE DATABASE ${name}`));
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        drop: () => withPgAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
      };
    }
    case 'mssql': {
      if (!MSSQL_URL) throw new Error('OUTBOX_TEST_MSSQL_URL is not set');
      const name = uniqueName();
      const admin = await openDatabase(parseDatabaseUrl(MSSQL_URL), { role: 'test-admin', connectTimeoutMs: 15000, poolMax: 1 });
      let babelfish: boolean;
      try {
        babelfish = await isBabelfish(admin.db);
        await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
        // The service is tested as Azure SQL runs it, with row versioning for readers. Babelfish
        // refuses ALTER DATABASE ... SET; its readers see snapshots (PostgreSQL MVCC) anyway.
        if (!babelfish) await sql.raw(`ALTER DATABASE ${name} SET READ_COMMITTED_SNAPSHOT ON`).execute(admin.db);
      } finally {
        await admin.close();
      }
      const url = MSSQL_URL.includes('://')
        ? MSSQL_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`)
        : `${MSSQL_URL.replace(/;?\s*(Database|Initial Catalog)\s*=[^;]*/i, '')};Database=${name}`;
      return {
        url,
        drop: async () => {
          const again = await openDatabase(parseDatabaseUrl(MSSQL_URL), { role: 'test-admin', connectTimeoutMs: 15000, poolMax: 1 });
          try {
            // SINGLE_USER ends sessions a test left behind; Babelfish has no ALTER DATABASE ... SET.
            const kick = babelfish ? '' : `ALTER DATABASE ${name} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; `;
            await sql.raw(`${kick}DROP DATABASE ${name}`).execute(again.db);
          } finally {
            await again.close();
          }
        },
      };
    }
  }
}

async function withPgAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface DialectSuiteOptions {
  /** Apply the store migrations before the suite (default true). */
  migrate?: boolean;
  /** Create the demo CRM in the same database (default false). */
  demoCrm?: boolean;
  poolMax?: number;
}

export interface DialectSuite {
  readonly dialect: TestDialect;
  /** The suite's database, opened once for the whole describe block. */
  readonly db: Database;
  readonly url: string;
  /** Opens another connection pool to the same database (closed after the suite). */
  openAnother(role?: string): Promise<Database>;
}

/**
 * Runs the same describe block once per engine in TEST_DIALECTS, each on a fresh database that
 * is created before it and dropped after it. The SQL Server run skips, and says why, when
 * OUTBOX_TEST_MSSQL_URL is not set; pglite runs share one process, so openAnother is refused.
 */
export function describeEachDialect(title: string, body: (suite: DialectSuite) => void, options: DialectSuiteOptions = {}): void {
  for (const dialect of TEST_DIALECTS) {
    describe(`${title} [${dialect}]`, function () {
      let testDb: TestDatabase | undefined;
      let database: Database | undefined;
      const extra: Database[] = [];
      const suite: DialectSuite = {
        dialect,
        get db() {
          if (!database) throw new Error('database not open yet: use it inside before/it');
          return database;
        },
        get url() {
          if (!testDb) throw new Error('database not created yet');
          return testDb.url;
        },
        async openAnother(role = 'test') {
          if (dialect === 'pglite') throw new Error('pglite is one embedded connection: a second pool cannot be opened');
          const another = await openDatabase(parseDatabaseUrl(suite.url), { role, connectTimeoutMs: 15000, poolMax: options.poolMax ?? 5 });
          extra.push(another);
          return another;
        },
      };

      before(async function () {
        if (dialect === 'mssql' && !MSSQL_URL) {
          console.log(`      SQL Server suite skipped: OUTBOX_TEST_MSSQL_URL is not set (${title})`);
          this.skip();
        }
        this.timeout(120_000);
        testDb = await createTestDatabase(dialect);
        database = await openDatabase(parseDatabaseUrl(testDb.url), {
          role: 'store',
          connectTimeoutMs: 15000,
          poolMax: options.poolMax ?? 5,
        });
        if (options.migrate !== false) await migrate(database, silentLogger());
        if (options.demoCrm) await ensureDemoCrm(database);
      });

      after(async function () {
        this.timeout(60_000);
        await Promise.allSettled(extra.map((d) => d.close()));
        await database?.close();
        await testDb?.drop();
      });

      body(suite);
    });
  }
}
