import { sql } from 'kysely';
import type { SqlDialect } from '../../dialect.js';
import { mssqlApi } from './api.js';
import { mssqlMigration } from './migration.js';
import { mssqlDoctor } from './doctor.js';
import { mssqlCapture } from './capture.js';
import { mssqlDelivery } from './delivery.js';
import { mssqlOutbox } from './outbox.js';
import { mssqlRetention } from './retention.js';

export const mssqlDialect: SqlDialect = {
  name: 'mssql',
  migration: mssqlMigration,
  outbox: mssqlOutbox,
  retention: mssqlRetention,
  doctor: mssqlDoctor,
  api: mssqlApi,
  capture: mssqlCapture,
  delivery: mssqlDelivery,

  async lockForTransaction(trx, resource, wait) {
    // sp_getapplock returns >= 0 when granted; -1 is a timeout, which @LockTimeout = 0 makes
    // immediate. https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql
    const result = await sql<{ granted: number }>`
      DECLARE @granted int;
      EXEC @granted = sp_getapplock @Resource = ${resource}, @LockMode = N'Exclusive',
        @LockOwner = N'Transaction', @LockTimeout = ${wait ? 60000 : 0};
      SELECT @granted AS granted;`.execute(trx);
    const granted = result.rows[0]?.granted ?? -999;
    if (granted >= 0) return true;
    if (!wait && granted === -1) return false;
    throw new Error(`sp_getapplock on ${resource} failed with ${granted}`);
  },

  async insertReturningId(db, table, values, idColumn) {
    const row = await db
      .insertInto(table)
      .output(sql.ref(`inserted.${idColumn}`).as('id') as never)
      .values(values as never)
      .executeTakeFirstOrThrow();
    return Number((row as { id: unknown }).id);
  },
};
