import { sql } from 'kysely';
import type { OutboxDialect } from '../../../outbox/outbox-dialect.js';
import { ROWS_PER_WRITE } from '../../chunks.js';
import { outputRows } from './output-rows.js';

export const mssqlOutbox: OutboxDialect = {
  // Below lock escalation (see ROWS_PER_WRITE), which would block the API's readers for the rest
  // of the capture transaction; a fan-out of these events to many subscriptions is cut the same way.
  eventsPerStatement: ROWS_PER_WRITE,
  deliveriesPerStatement: ROWS_PER_WRITE,

  async insertEvents(trx, companyId, rows) {
    // One nvarchar(max) JSON parameter opened with OPENJSON (SQL Server 2016+): a set-based
    // insert of the whole batch. UPDLOCK, HOLDLOCK on the existence check keeps two writers from
    // both inserting one key between the check and the insert.
    const result = await sql<object>`
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), ${companyId}, e.payload, e.metadata
      FROM OPENJSON(${JSON.stringify(rows)}) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created',
        payload nvarchar(max) '$.payload' AS JSON, metadata nvarchar(max) '$.metadata' AS JSON) AS e
      WHERE NOT EXISTS (
        SELECT 1 FROM integration.OutboxEvent AS o WITH (UPDLOCK, HOLDLOCK)
        WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord`.execute(trx);
    return insertedEvents(result.rows);
  },

  async insertDeliveries(trx, rows, due) {
    const result = await sql`
      INSERT INTO integration.WebhookDelivery (EventId, SubscriptionId, NextAttemptUtc)
      SELECT d.e, d.s, ${due}
      FROM OPENJSON(${JSON.stringify(rows)}) WITH (e bigint '$.e', s bigint '$.s') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM integration.WebhookDelivery AS w WITH (UPDLOCK, HOLDLOCK)
        WHERE w.EventId = d.e AND w.SubscriptionId = d.s)`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  },
};

/** The (EventId, EventType) pairs an insert returned, whatever case the server gave their names. */
export function insertedEvents(rows: readonly object[]): { EventId: number; EventType: string }[] {
  return outputRows(rows, ['EventId', 'EventType']).map((row) => ({ EventId: Number(row.EventId), EventType: String(row.EventType) }));
}
