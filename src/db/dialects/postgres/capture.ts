import { sql } from 'kysely';
import type { CaptureDialect } from '../../../capture/capture-dialect.js';

export const postgresCapture: CaptureDialect = {
  first: (query, n) => query.limit(n) as typeof query,

  async insertGaps(trx, sourceName, keys, seenUtc) {
    await sql`
      INSERT INTO integration."CaptureGap" ("SourceName", "MissingKey", "FirstSeenUtc")
      SELECT ${sourceName}, k, ${seenUtc} FROM unnest(${keys}::bigint[]) AS k
      ON CONFLICT ("SourceName", "MissingKey") DO NOTHING`.execute(trx);
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
