import { sql } from 'kysely';
import type { ApiDialect, PagedEventRow, VisibleEventRow } from '../../../api/api-dialect.js';

const COLUMNS = sql`EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CONVERT(varchar(18), RowVer, 1) AS Position`;

export const mssqlApi: ApiDialect = {
  async pageEvents(db, { after, types, limit, order }) {
    // MIN_ACTIVE_ROWVERSION() is the lowest rowversion an open transaction may still commit;
    // rows below it are final, so a cursor may move past them. RowVer is unique per row.
    // https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql
    const typeFilter = types.length > 0 ? sql`AND EventType IN (${sql.join(types)})` : sql``;
    const key = after.key ?? '0x0000000000000000';
    if (order === 'asc') {
      const result = await sql<PagedEventRow>`
        SELECT TOP (${limit}) ${COLUMNS} FROM integration.OutboxEvent
        WHERE RowVer > CONVERT(binary(8), ${key}, 1) AND RowVer < MIN_ACTIVE_ROWVERSION() ${typeFilter}
        ORDER BY RowVer`.execute(db);
      return result.rows;
    }
    const before = after.key === null ? sql`` : sql`AND RowVer < CONVERT(binary(8), ${key}, 1)`;
    const result = await sql<PagedEventRow>`
      SELECT TOP (${limit}) ${COLUMNS} FROM integration.OutboxEvent
      WHERE RowVer < MIN_ACTIVE_ROWVERSION() ${before} ${typeFilter}
      ORDER BY RowVer DESC`.execute(db);
    return result.rows;
  },

  async visibleSince(db, after, limit) {
    // IX_OutboxEvent_RowVer includes EventType: an index range read, no lookups.
    const result = await sql<VisibleEventRow>`
      SELECT TOP (${limit}) EventType, EventId, CONVERT(varchar(18), RowVer, 1) AS Position FROM integration.OutboxEvent
      WHERE RowVer > CONVERT(binary(8), ${after.key ?? '0x0000000000000000'}, 1) AND RowVer < MIN_ACTIVE_ROWVERSION()
      ORDER BY RowVer`.execute(db);
    return result.rows;
  },

  isValidKey(key) {
    return /^0x[0-9A-Fa-f]{16}$/.test(key);
  },
};
