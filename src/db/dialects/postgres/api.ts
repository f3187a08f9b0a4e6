import { sql } from 'kysely';
import type { ApiDialect, PagedEventRow, VisibleEventRow } from '../../ports/api.js';

const COLUMNS = sql`"EventId", "EventType", "CreatedUtc", "CompanyId", "Payload", "Metadata", "TxId"::text AS "Position"`;

export const postgresApi: ApiDialect = {
  async pageEvents(db, { after, types, limit, order }) {
    // Rows written by a transaction older than the snapshot's xmin are committed (or rolled
    // back) for good, so nothing can later appear before them in (TxId, EventId) order.
    // https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-PG-SNAPSHOT
    const typeFilter = types.length > 0 ? sql`AND "EventType" IN (${sql.join(types)})` : sql``;
    const key = after.key ?? '0';
    if (order === 'asc') {
      const result = await sql<PagedEventRow>`
        SELECT ${COLUMNS} FROM integration."OutboxEvent"
        WHERE ("TxId", "EventId") > (${key}::xid8, ${after.eventId}::bigint)
          AND "TxId" < pg_snapshot_xmin(pg_current_snapshot()) ${typeFilter}
        ORDER BY "TxId", "EventId"
        LIMIT ${limit}`.execute(db);
      return result.rows;
    }
    const before = after.key === null ? sql`` : sql`AND ("TxId", "EventId") < (${key}::xid8, ${after.eventId}::bigint)`;
    const result = await sql<PagedEventRow>`
      SELECT ${COLUMNS} FROM integration."OutboxEvent"
      WHERE "TxId" < pg_snapshot_xmin(pg_current_snapshot()) ${before} ${typeFilter}
      ORDER BY "TxId" DESC, "EventId" DESC
      LIMIT ${limit}`.execute(db);
    return result.rows;
  },

  async visibleSince(db, after, limit) {
    const result = await sql<VisibleEventRow>`
      SELECT "EventType", "EventId", "TxId"::text AS "Position" FROM integration."OutboxEvent"
      WHERE ("TxId", "EventId") > (${after.key ?? '0'}::xid8, ${after.eventId}::bigint)
        AND "TxId" < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY "TxId", "EventId"
      LIMIT ${limit}`.execute(db);
    return result.rows;
  },

  isValidKey(key) {
    // xid8 is an unsigned 64-bit integer: anything larger would fail the cast in SQL.
    return /^\d{1,20}$/.test(key) && BigInt(key) < 2n ** 64n;
  },
};
