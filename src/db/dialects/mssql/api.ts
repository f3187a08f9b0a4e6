import { sql } from 'kysely';
import type { ApiDialect, PagedEventRow, VisibleEventRow } from '../../ports/api.js';

// The position travels as RowVer's value in decimal: CONVERT(varchar, binary, 1) is SQL Server's
// only hex form, and Babelfish ignores its style. A rowversion is a bigint-sized counter.
const COLUMNS = sql`EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position`;
const BIGINT_MAX = 2n ** 63n - 1n;

/** The cursor key as a decimal rowversion; cursors issued before carried it as 0x-hex. */
function decimalKey(key: string): string {
  return key.startsWith('0x') ? BigInt(key).toString() : key;
}

export const mssqlApi: ApiDialect = {
  async pageEvents(db, { after, types, limit, order }) {
    // MIN_ACTIVE_ROWVERSION() is the lowest rowversion an open transaction may still commit;
    // rows below it are final, so a cursor may move past them. It is read in a statement of its
    // own, before the page's: under READ_COMMITTED_SNAPSHOT the page sees the data as of its own
    // start, and a cutoff read inside it (later) could pass a writer that committed in between,
    // skipping its rows for good. (RowVer, EventId) orders rows that share a rowversion.
    // https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql
    const typeFilter = types.length > 0 ? sql`AND EventType IN (${sql.join(types)})` : sql``;
    const key = decimalKey(after.key ?? '0');
    const position = sql`CAST(CAST(${key} AS bigint) AS binary(8))`;
    if (order === 'asc') {
      const result = await sql<PagedEventRow>`
        DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
        SELECT TOP (${limit}) ${COLUMNS} FROM integration.OutboxEvent
        WHERE RowVer >= ${position} AND (RowVer > ${position} OR EventId > ${after.eventId})
          AND RowVer < @cutoff ${typeFilter}
        ORDER BY RowVer, EventId`.execute(db);
      return result.rows;
    }
    const before = after.key === null ? sql`` : sql`AND RowVer <= ${position} AND (RowVer < ${position} OR EventId < ${after.eventId})`;
    const result = await sql<PagedEventRow>`
      DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
      SELECT TOP (${limit}) ${COLUMNS} FROM integration.OutboxEvent
      WHERE RowVer < @cutoff ${before} ${typeFilter}
      ORDER BY RowVer DESC, EventId DESC`.execute(db);
    return result.rows;
  },

  async visibleSince(db, after, limit) {
    // The page's position and cutoff rules, without the payloads.
    const key = decimalKey(after.key ?? '0');
    const position = sql`CAST(CAST(${key} AS bigint) AS binary(8))`;
    const result = await sql<VisibleEventRow>`
      DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
      SELECT TOP (${limit}) EventType, EventId, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
      WHERE RowVer >= ${position} AND (RowVer > ${position} OR EventId > ${after.eventId})
        AND RowVer < @cutoff
      ORDER BY RowVer, EventId`.execute(db);
    return result.rows;
  },

  isValidKey(key) {
    if (/^0x[0-9A-Fa-f]{16}$/.test(key)) return BigInt(key) <= BIGINT_MAX;
    return /^\d{1,19}$/.test(key) && BigInt(key) <= BIGINT_MAX;
  },
};
