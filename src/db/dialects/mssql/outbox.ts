import { sql } from 'kysely';
import type { OutboxDialect } from '../../ports/outbox.js';
import { ROWS_PER_WRITE } from '../../chunks.js';
import { insertSkippingDuplicates } from './duplicate-retry.js';
import { outputRows } from './output-rows.js';

/**
 * The events of the `@rows` JSON array: their scalar columns as `e`, payload and metadata whole.
 * Those two come through JSON_QUERY from OPENJSON's default schema, both nvarchar(max), not from
 * a WITH column `AS JSON`: Babelfish types every WITH column nvarchar(4000) whatever is declared,
 * so an object past 4,000 characters was cut there without an error (or failed the whole batch
 * when the cut still held more than 4,000 UTF-16 units). SQL Server keeps both forms whole; this
 * one runs the same on SQL Server and on the engine the suite runs.
 */
export function selectEventRows(companyId: number) {
  return sql`SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), ${companyId}, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e`;
}

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
      ${selectEventRows(companyId)}
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
