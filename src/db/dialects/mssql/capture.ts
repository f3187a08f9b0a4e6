import { sql } from 'kysely';
import type { CaptureDialect } from '../../ports/capture.js';
import { chunks, ROWS_PER_WRITE } from '../../chunks.js';
import { utcStoreText } from '../../wall-clock.js';

export const mssqlCapture: CaptureDialect = {
  async insertGapRanges(trx, sourceName, ranges) {
    // One JSON parameter per statement, at most ROWS_PER_WRITE rows: below lock escalation.
    for (const part of chunks(ranges, ROWS_PER_WRITE)) {
      const json = JSON.stringify(part.map((r) => ({ f: r.first, l: r.last, s: utcStoreText(r.seenUtc) })));
      await sql`
        INSERT INTO integration.CaptureGapRange (SourceName, FirstKey, LastKey, FirstSeenUtc)
        SELECT ${sourceName}, r.f, r.l, CAST(r.s AS datetime2(3))
        FROM OPENJSON(${json}) WITH (f bigint '$.f', l bigint '$.l', s nvarchar(23) '$.s') AS r`.execute(trx);
    }
  },

  async upsertInvoiceStatuses(trx, rows) {
    // An UPDATE then an INSERT of the rest rather than MERGE, whose concurrency bugs are
    // documented; the caller holds the invoice-status lock, so no one else writes these rows and
    // the existence probe needs no range lock (HOLDLOCK would hold one to commit).
    const json = JSON.stringify(rows);
    await sql`
      UPDATE s SET s.Status = r.s, s.Version = r.v, s.SeenUtc = SYSUTCDATETIME()
      FROM integration.CaptureInvoiceStatus AS s WITH (UPDLOCK)
      JOIN OPENJSON(${json}) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r ON r.i = s.InvoiceID`.execute(trx);
    await sql`
      INSERT INTO integration.CaptureInvoiceStatus (InvoiceID, Status, Version)
      SELECT r.i, r.s, r.v
      FROM OPENJSON(${json}) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r
      WHERE NOT EXISTS (SELECT 1 FROM integration.CaptureInvoiceStatus AS s WHERE s.InvoiceID = r.i)`.execute(trx);
  },
};
