import { sql } from 'kysely';
import type { SqlDialect } from '../../sql-dialect.js';
import { postgresApi } from './api.js';
import { postgresMigration } from './migration.js';
import { postgresDoctor } from './doctor.js';
import { postgresCapture } from './capture.js';
import { postgresDelivery } from './delivery.js';
import { postgresOutbox } from './outbox.js';
import { postgresRetention } from './retention.js';

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  migration: postgresMigration,
  outbox: postgresOutbox,
  retention: postgresRetention,
  doctor: postgresDoctor,
  api: postgresApi,
  capture: postgresCapture,
  delivery: postgresDelivery,

  first: (query, n) => query.limit(n) as typeof query,

  async lockForTransaction(trx, resource, wait) {
    if (wait) {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${resource}, 0))`.execute(trx);
      return true;
    }
    const result = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${resource}, 0)) AS locked`.execute(trx);
    return result.rows[0]?.locked === true;
  },

  boundWrite: (query) => query,
  // A partial index matches a parameter here too (custom plans); a literal costs nothing.
  deliveryStatus: (status) => sql.lit(status),

  async insertReturningId(db, table, values, idColumn) {
    const row = await db
      .insertInto(table)
      .values(values as never)
      .returning(sql.ref(idColumn).as('id'))
      .executeTakeFirstOrThrow();
    return Number((row as { id: unknown }).id);
  },
};
