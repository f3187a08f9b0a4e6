import { sql } from 'kysely';
import type { CaptureDialect } from '../../../capture/capture-dialect.js';

export const mssqlCapture: CaptureDialect = {
  first: (query, n) => query.top(n) as typeof query,

  async insertGaps(trx, sourceName, keys, seenUtc) {
    // The capture lock makes this the only writer of the source's gaps; NOT EXISTS keeps a
    // key recorded twice (a re-read after a crash) from failing on the primary key.
    await sql`
      INSERT INTO integration.CaptureGap (SourceName, MissingKey, FirstSeenUtc)
      SELECT ${sourceName}, k.[value], ${seenUtc}
      FROM OPENJSON(${JSON.stringify(keys)}) WITH ([value] bigint '$') AS k
      WHERE NOT EXISTS (
        SELECT 1 FROM integration.CaptureGap AS g WITH (UPDLOCK, HOLDLOCK)
        WHERE g.SourceName = ${sourceName} AND g.MissingKey = k.[value])`.execute(trx);
  },

  async upsertInvoiceStatuses(trx, rows) {
    // An UPDATE then an INSERT of the rest rather than MERGE, whose concurrency bugs are
    // documented; the caller holds the invoice-status lock, so no one else writes these rows.
    const json = JSON.stringify(rows);
    await sql`
      UPDATE s SET s.Status = r.s, s.Version = r.v, s.SeenUtc = SYSUTCDATETIME()
      FROM integration.CaptureInvoiceStatus AS s WITH (UPDLOCK)
      JOIN OPENJSON(${json}) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r ON r.i = s.InvoiceID`.execute(trx);
    await sql`
      INSERT INTO integration.CaptureInvoiceStatus (InvoiceID, Status, Version)
      SELECT r.i, r.s, r.v
      FROM OPENJSON(${json}) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r
      WHERE NOT EXISTS (SELECT 1 FROM integration.CaptureInvoiceStatus AS s WITH (UPDLOCK, HOLDLOCK) WHERE s.InvoiceID = r.i)`.execute(trx);
  },
};
