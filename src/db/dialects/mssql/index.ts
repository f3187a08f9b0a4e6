import { sql } from 'kysely';
import type { SqlDialect } from '../../sql-dialect.js';
import { mssqlApi } from './api.js';
import { mssqlMigration } from './migration.js';
import { mssqlDoctor } from './doctor.js';
import { mssqlCapture } from './capture.js';
import { mssqlDelivery } from './delivery.js';
import { mssqlOutbox } from './outbox.js';
import { mssqlRetention } from './retention.js';
import { getAppLock } from './applock.js';
import { statusLiteral } from './status-literal.js';

export const mssqlDialect: SqlDialect = {
  name: 'mssql',
  migration: mssqlMigration,
  outbox: mssqlOutbox,
  retention: mssqlRetention,
  doctor: mssqlDoctor,
  api: mssqlApi,
  capture: mssqlCapture,
  delivery: mssqlDelivery,

  first: (query, n) => query.top(n) as typeof query,

  lockForTransaction: (trx, resource, wait) => getAppLock(trx, resource, wait),
  boundWrite: (query, rows) => query.top(rows),
  deliveryStatus: statusLiteral,

  async insertReturningId(db, table, values, idColumn) {
    const row = await db
      .insertInto(table)
      .output(sql.ref(`inserted.${idColumn}`).as('id') as never)
      .values(values as never)
      .executeTakeFirstOrThrow();
    return Number((row as { id: unknown }).id);
  },
};
