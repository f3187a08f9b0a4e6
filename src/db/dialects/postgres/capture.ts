import { sql } from 'kysely';
import type { CaptureDialect } from '../../ports/capture.js';

export const postgresCapture: CaptureDialect = {
  async insertGapRanges(trx, sourceName, ranges) {
    await sql`
      INSERT INTO integration."CaptureGapRange" ("SourceName", "FirstKey", "LastKey", "FirstSeenUtc")
      SELECT ${sourceName}, r.f, r.l, r.s
      FROM unnest(${ranges.map((r) => r.first)}::bigint[], ${ranges.map((r) => r.last)}::bigint[], ${ranges.map((r) => r.seenUtc)}::timestamptz[]) AS r(f, l, s)`.execute(
      trx,
    );
  },

  async upsertInvoiceStatuses(trx, rows) {
    await sql`
      INSERT INTO integration."CaptureInvoiceStatus" ("InvoiceID", "Status", "Version", "SeenUtc")
      SELECT r.i, r.s, r.v, now() FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(i bigint, s varchar(20), v integer)
      ON CONFLICT ("InvoiceID") DO UPDATE SET "Status" = excluded."Status", "Version" = excluded."Version", "SeenUtc" = excluded."SeenUtc"`.execute(
      trx,
    );
  },
};
