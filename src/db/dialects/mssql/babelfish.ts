import { sql } from 'kysely';
import type { SqlDialect } from '../../sql-dialect.js';
import { getAppLock } from './applock.js';
import { mssqlDoctor } from './doctor.js';
import { insertSkippingDuplicates } from './duplicate-retry.js';
import { mssqlDialect } from './index.js';
import { insertedEvents, mssqlOutbox, selectEventRows } from './outbox.js';

/**
 * The SQL Server dialect as run on Babelfish for PostgreSQL (the T-SQL engine the suite and CI
 * use). Babelfish refuses ORDER BY in an INSERT ... SELECT that has an OUTPUT clause, which SQL
 * Server needs to number the events in batch order in one statement; that statement and the
 * application lock's wait differ.
 */
export const babelfishDialect: SqlDialect = {
  ...mssqlDialect,
  // Babelfish 4.3 leaks an error frame each time sp_getapplock is refused (it answers -999, or
  // -1 after a timeout), and after a few in one session the server process PANICs
  // ("ERRORDATA_STACK_SIZE exceeded"), resetting every connection. So it always waits: a second
  // capture instance queues for an object instead of skipping it, which changes no result.
  lockForTransaction: (trx, resource) => getAppLock(trx, resource, true),
  doctor: {
    ...mssqlDoctor,
    // Babelfish reports level 120 and cannot change it, yet runs OPENJSON: the level binds nothing.
    databaseSettings: async (db) => {
      const settings = await mssqlDoctor.databaseSettings(db);
      return settings && { ...settings, requiredLevel: null };
    },
  },
  outbox: {
    ...mssqlOutbox,
    async insertEvents(trx, companyId, rows) {
      // Ordered insert without OUTPUT, then the batch's keys read back above the highest id
      // before it: the caller holds the source object's capture lock, so a row with one of these
      // keys that was already there is committed and at most that id, and identity only grows.
      // (No table variable: creating one makes Babelfish re-plan foreign-key checks with its
      // T-SQL name mapping applied twice, and inserts into CRM tables then fail.)
      const insert = sql`
        INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
        ${selectEventRows(companyId)}
        WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
        ORDER BY e.ord`;
      // After a duplicate key, the other writer's rows are committed: the retry's own rows are
      // above the highest id then.
      const result = await sql<object>`
        DECLARE @rows nvarchar(max) = ${JSON.stringify(rows)};
        DECLARE @before bigint = COALESCE((SELECT MAX(EventId) FROM integration.OutboxEvent), 0);
        ${insertSkippingDuplicates(insert, sql`SET @before = COALESCE((SELECT MAX(EventId) FROM integration.OutboxEvent), 0);`)}
        SELECT o.EventId, o.EventType
        FROM OPENJSON(@rows) WITH (type nvarchar(100) '$.type', [key] nvarchar(200) '$.key') AS e
        JOIN integration.OutboxEvent AS o ON o.EventType = e.type AND o.SourceKey = e.[key]
        WHERE o.EventId > @before
        ORDER BY o.EventId;`.execute(trx);
      return insertedEvents(result.rows);
    },
  },
};
