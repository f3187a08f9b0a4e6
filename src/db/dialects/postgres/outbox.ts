import { sql } from 'kysely';
import type { OutboxDialect } from '../../ports/outbox.js';

export const postgresOutbox: OutboxDialect = {
  // PostgreSQL never escalates row locks, and each statement costs a round trip and a plan: a
  // whole capture batch goes in one.
  eventsPerStatement: 10_000,
  deliveriesPerStatement: 50_000,

  async insertEvents(trx, companyId, rows) {
    // json (not jsonb) keeps each payload's text exactly as built, key order included.
    const result = await sql<{ EventId: number; EventType: string }>`
      INSERT INTO integration."OutboxEvent" ("EventType", "SourceKey", "CreatedUtc", "CompanyId", "Payload", "Metadata")
      SELECT e.type, e.key, e.created AT TIME ZONE 'UTC', ${companyId}, e.payload::text, e.metadata::text
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS e(ord integer, type varchar(100), key varchar(200), created timestamp(3), payload json, metadata json)
      ORDER BY e.ord
      ON CONFLICT ("EventType", "SourceKey") DO NOTHING
      RETURNING "EventId", "EventType"`.execute(trx);
    return result.rows;
  },

  async insertDeliveries(trx, rows, due) {
    const result = await sql`
      INSERT INTO integration."WebhookDelivery" ("EventId", "SubscriptionId", "NextAttemptUtc")
      SELECT d.e, d.s, ${due}
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS d(e bigint, s bigint)
      ON CONFLICT ("EventId", "SubscriptionId") DO NOTHING`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  },
};
