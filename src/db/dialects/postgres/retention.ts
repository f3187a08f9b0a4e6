import { sql } from 'kysely';
import type { RetentionDialect } from '../../ports/retention.js';

const count = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);

export const postgresRetention: RetentionDialect = {
  async deleteAttemptsBefore(db, before, limit) {
    return count(
      await sql`DELETE FROM integration."DeliveryAttempt" WHERE "AttemptId" IN (
        SELECT "AttemptId" FROM integration."DeliveryAttempt" WHERE "AttemptedUtc" < ${before} LIMIT ${limit})`.execute(db),
    );
  },

  async expiredEventIds(db, before, limit) {
    const result = await sql<{ EventId: number }>`
      SELECT e."EventId" FROM integration."OutboxEvent" e
      WHERE e."RecordedUtc" < ${before}
        AND NOT EXISTS (SELECT 1 FROM integration."WebhookDelivery" d WHERE d."EventId" = e."EventId" AND d."Status" = 'pending')
      ORDER BY e."EventId"
      LIMIT ${limit}`.execute(db);
    return result.rows.map((row) => Number(row.EventId));
  },

  async deleteAttemptsOfEvents(db, eventIds, limit) {
    return count(
      await sql`DELETE FROM integration."DeliveryAttempt" WHERE "AttemptId" IN (
        SELECT "AttemptId" FROM integration."DeliveryAttempt" WHERE "EventId" = ANY(${[...eventIds]}::bigint[]) LIMIT ${limit})`.execute(
        db,
      ),
    );
  },

  async deleteDeliveriesOfEvents(db, eventIds, limit) {
    return count(
      await sql`DELETE FROM integration."WebhookDelivery" WHERE "DeliveryId" IN (
        SELECT "DeliveryId" FROM integration."WebhookDelivery"
        WHERE "EventId" = ANY(${[...eventIds]}::bigint[]) AND "Status" <> 'pending' LIMIT ${limit})`.execute(db),
    );
  },

  async deleteEvents(db, eventIds) {
    return count(
      await sql`DELETE FROM integration."OutboxEvent" e WHERE e."EventId" = ANY(${[...eventIds]}::bigint[])
        AND NOT EXISTS (SELECT 1 FROM integration."WebhookDelivery" d WHERE d."EventId" = e."EventId")`.execute(db),
    );
  },
};
