import { sql } from 'kysely';
import type { CaptureDialect } from '../../ports/capture.js';
import { utcStoreText } from '../../wall-clock.js';

/** SQL Server tries to escalate to a table lock at 5,000 locks in one statement. */
const GAP_RANGES_PER_INSERT = 2000;

export const mssqlCapture: CaptureDialect = {
  async insertGapRanges(trx, sourceName, ranges) {
    // One JSON parameter per statement, at most GAP_RANGES_PER_INSERT rows: below lock escalation.
    for (let i = 0; i < ranges.length; i += GAP_RANGES_PER_INSERT) {
      const json = JSON.stringify(
        ranges.slice(i, i + GAP_RANGES_PER_INSERT).map((r) => ({ f: r.first, l: r.last, s: utcStoreText(r.seenUtc) })),
      );
      await sql`
        INSERT INTO integration.CaptureGapRange (SourceName, FirstKey, LastKey, FirstSeenUtc)
        SELECT ${sourceName}, r.f, r.l, CAST(r.s AS datetime2(3))
        FROM OPENJSON(${json}) WITH (f bigint '$.f', l bigint '$.l', s nvarchar(23) '$.s') AS r`.execute(trx);
    }
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
