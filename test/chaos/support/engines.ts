import { createTestDatabase, MSSQL_URL, TEST_DIALECTS, type TestDatabase, type TestDialect } from '../../support/databases.js';
import { ChaosRun } from './chaos-run.js';
import { skipBecause } from '../../support/skip.js';
import { FULL } from './scale.js';

/**
 * The engines a scenario whose store and CRM are one server database runs on: PostgreSQL, and the
 * T-SQL engine (OUTBOX_TEST_MSSQL_URL). PGlite is one process's folder, which chaos 8 covers.
 */
export const SERVER_ENGINES: TestDialect[] = TEST_DIALECTS.filter((d) => d !== 'pglite');

/**
 * Skips the scenario on an engine it cannot run on here, saying why. The T-SQL engine runs in the
 * full run only: a reduced scenario costs minutes there (chaos 1 took 220 s on Babelfish).
 */
export function skipUnlessEngineRuns(context: Mocha.Context, dialect: TestDialect): void {
  if (dialect !== 'mssql') return;
  if (!MSSQL_URL) skipBecause(context, 'SQL Server run: OUTBOX_TEST_MSSQL_URL is not set');
  if (!FULL) skipBecause(context, 'the T-SQL engine run is in the full run only (npm run test:chaos), to keep npm test short');
}

/**
 * Registers the hooks of a scenario on one engine: a fresh database with a ChaosRun in it before
 * (or a skip that says why), everything closed and dropped after. Returns the run once open.
 */
export function useChaosRun(dialect: TestDialect): () => ChaosRun {
  let testDb: TestDatabase | undefined;
  let run: ChaosRun | undefined;
  before(async function () {
    skipUnlessEngineRuns(this, dialect);
    testDb = await createTestDatabase(dialect);
    run = await ChaosRun.open(testDb.url);
  });
  after(async () => {
    await run?.close();
    await testDb?.drop();
  });
  return () => {
    if (!run) throw new Error('the chaos run is not open');
    return run;
  };
}

/** A scenario that does not run on the T-SQL engine says so, with why, where that engine is in use. */
export function notOnTsqlEngine(scenario: string, reason: string): void {
  if (!SERVER_ENGINES.includes('mssql')) return;
  describe(`${scenario} [mssql]`, () => {
    it('is not run on the T-SQL engine', function () {
      skipBecause(this, reason);
    });
  });
}
