import { sql } from 'kysely';
import type { RetentionDialect } from '../../ports/retention.js';

const count = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);
// Id lists travel as one JSON parameter: SQL Server takes at most 2,100 parameters a request.
const ids = (eventIds: readonly number[]) => sql`(SELECT CAST(value AS bigint) FROM OPENJSON(${JSON.stringify(eventIds)}))`;

export const mssqlRetention: RetentionDialect = {
  async deleteAttemptsBefore(db, before, limit) {
    return count(await sql`DELETE TOP (${limit}) FROM integration.DeliveryAttempt WHERE AttemptedUtc < ${before}`.execute(db));
  },

  async expiredEventIds(db, before, limit) {
    const result = await sql<{ EventId: number }>`
      SELECT TOP (${limit}) e.EventId FROM integration.OutboxEvent AS e
      WHERE e.RecordedUtc < ${before}
        AND NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS d WHERE d.EventId = e.EventId AND d.Status = N'pending')
      ORDER BY e.EventId`.execute(db);
    return result.rows.map((row) => Number(row.EventId));
  },

  async deleteAttemptsOfEvents(db, eventIds, limit) {
    return count(await sql`DELETE TOP (${limit}) FROM integration.DeliveryAttempt WHERE EventId IN ${ids(eventIds)}`.execute(db));
  },

  async deleteDeliveriesOfEvents(db, eventIds, limit) {
    return count(
      await sql`DELETE TOP (${limit}) FROM integration.WebhookDelivery WHERE EventId IN ${ids(eventIds)} AND Status <> N'pending'`.execute(
        db,
      ),
    );
  },

  async deleteEvents(db, eventIds) {
    return count(
      await sql`DELETE e FROM integration.OutboxEvent AS e WHERE e.EventId IN ${ids(eventIds)}
        AND NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS d WHERE d.EventId = e.EventId)`.execute(db),
    );
  },
};
