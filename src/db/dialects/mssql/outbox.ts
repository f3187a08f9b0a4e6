import { sql } from 'kysely';
import type { OutboxDialect } from '../../ports/outbox.js';
import { ROWS_PER_WRITE } from '../../chunks.js';
import { insertSkippingDuplicates } from './duplicate-retry.js';
import { outputRows } from './output-rows.js';

export const mssqlOutbox: OutboxDialect = {
  // Below lock escalation (see ROWS_PER_WRITE), which would block the API's readers for the rest
  // of the capture transaction; a fan-out of these events to many subscriptions is cut the same way.
  eventsPerStatement: ROWS_PER_WRITE,
  deliveriesPerStatement: ROWS_PER_WRITE,

  async insertEvents(trx, companyId, rows) {
    // One nvarchar(max) JSON parameter opened with OPENJSON (SQL Server 2016+): a set-based
    // insert of the whole batch, numbered in `ord` order. OUTPUT goes into a table variable, so a
    // try that met a duplicate key (see insertSkippingDuplicates) returns no rows of its own.
    const insert = sql`
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), ${companyId}, e.payload, e.metadata
      FROM OPENJSON(@rows) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created',
        payload nvarchar(max) '$.payload' AS JSON, metadata nvarchar(max) '$.metadata' AS JSON) AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord`;
    const result = await sql<object>`
      DECLARE @rows nvarchar(max) = ${JSON.stringify(rows)};
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      ${insertSkippingDuplicates(insert, sql`DELETE FROM @out;`)}
      SELECT EventId, EventType FROM @out ORDER BY EventId;`.execute(trx);
    return insertedEvents(result.rows);
  },

  async insertDeliveries(trx, rows, due) {
    const insert = sql`
      INSERT INTO integration.WebhookDelivery (EventId, SubscriptionId, NextAttemptUtc)
      SELECT d.e, d.s, ${due}
      FROM OPENJSON(@rows) WITH (e bigint '$.e', s bigint '$.s') AS d
      WHERE NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS w WHERE w.EventId = d.e AND w.SubscriptionId = d.s)`;
    const result = await sql<{ inserted: number }>`
      DECLARE @rows nvarchar(max) = ${JSON.stringify(rows)};
      ${insertSkippingDuplicates(insert)}
      SELECT @inserted AS inserted;`.execute(trx);
    return Number(result.rows[0]?.inserted ?? 0);
  },
};

/** The (EventId, EventType) pairs an insert returned, whatever case the server gave their names. */
export function insertedEvents(rows: readonly object[]): { EventId: number; EventType: string }[] {
  return outputRows(rows, ['EventId', 'EventType']).map((row) => ({ EventId: Number(row.EventId), EventType: String(row.EventType) }));
}
