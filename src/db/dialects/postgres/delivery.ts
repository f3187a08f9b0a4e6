import { sql } from 'kysely';
import { claimedFromRow, type ClaimedRow, type DeliveryDialect } from '../../ports/delivery.js';

export const postgresDelivery: DeliveryDialect = {
  async claim(db, { owner, limit, now, leaseUntil, room, defaultRoom }) {
    // One LATERAL probe per enabled subscription on its (SubscriptionId, NextAttemptUtc) range,
    // so a paused or backlogged endpoint costs nothing to step over. The lease end becomes
    // NextAttemptUtc: a claimed row leaves the due range until the lease ends.
    const result = await sql<ClaimedRow>`
      WITH room AS (SELECT * FROM json_to_recordset(${JSON.stringify(room)}::json) AS r(s bigint, n integer)),
      due AS (
        SELECT d."DeliveryId"
        FROM integration."WebhookSubscription" AS s
        LEFT JOIN room ON room.s = s."SubscriptionId"
        CROSS JOIN LATERAL (
          SELECT w."DeliveryId" FROM integration."WebhookDelivery" AS w
          WHERE w."SubscriptionId" = s."SubscriptionId" AND w."Status" = 'pending' AND w."NextAttemptUtc" <= ${now}
          ORDER BY w."NextAttemptUtc"
          LIMIT COALESCE(room.n, ${defaultRoom})
          FOR UPDATE OF w SKIP LOCKED) AS d
        WHERE s."Enabled"
        LIMIT ${limit}),
      claimed AS (
        UPDATE integration."WebhookDelivery" AS w
        SET "LeaseOwner" = ${owner}, "LeaseExpiresUtc" = ${leaseUntil}, "NextAttemptUtc" = ${leaseUntil}
        FROM due WHERE w."DeliveryId" = due."DeliveryId"
        RETURNING w."DeliveryId", w."EventId", w."SubscriptionId", w."AttemptCount",
          COALESCE(w."RequeuedUtc", w."CreatedUtc") AS "WindowStartUtc")
      -- The events come with the claim: one round trip for the whole batch.
      SELECT c.*, e."EventType", e."CreatedUtc", e."CompanyId", e."Payload", e."Metadata"
      FROM claimed AS c LEFT JOIN integration."OutboxEvent" AS e ON e."EventId" = c."EventId"`.execute(db);
    return result.rows.map(claimedFromRow);
  },

  async insertAttempts(trx, owner, rows) {
    await sql`
      INSERT INTO integration."DeliveryAttempt"
        ("DeliveryId", "SubscriptionId", "EventId", "AttemptNumber", "HttpStatus", "ErrorClass", "ResponseBody", "ElapsedMs", "AttemptedUtc")
      SELECT a.d, a.s, a.e, a.n, a.h, a.c, a.b, a.ms, a.at AT TIME ZONE 'UTC'
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS a(d bigint, s bigint, e bigint, n integer, h integer, c varchar(40), b varchar(4000), ms integer, at timestamp(3))
      JOIN integration."WebhookDelivery" AS w ON w."DeliveryId" = a.d AND w."LeaseOwner" = ${owner}`.execute(trx);
  },

  async updateDeliveries(trx, owner, rows) {
    const result = await sql`
      UPDATE integration."WebhookDelivery" AS w
      SET "Status" = u.st, "AttemptCount" = u.n, "NextAttemptUtc" = u.next AT TIME ZONE 'UTC', "LastHttpStatus" = u.h,
        "LastError" = u.err, "CompletedUtc" = u.done AT TIME ZONE 'UTC', "LeaseOwner" = NULL, "LeaseExpiresUtc" = NULL
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS u(d bigint, st varchar(20), n integer, next timestamp(3), h integer, err varchar(200), done timestamp(3))
      WHERE w."DeliveryId" = u.d AND w."LeaseOwner" = ${owner}`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  },

  async cancelPending(db, subscriptionId, reason, now) {
    // Rows locked in the claim's order (NextAttemptUtc); PostgreSQL never escalates, so one
    // statement takes them all.
    const result = await sql`
      UPDATE integration."WebhookDelivery" AS w
      SET "Status" = 'cancelled', "LastError" = ${reason}, "CompletedUtc" = ${now}, "LeaseOwner" = NULL, "LeaseExpiresUtc" = NULL
      FROM (
        SELECT "DeliveryId" FROM integration."WebhookDelivery"
        WHERE "SubscriptionId" = ${subscriptionId} AND "Status" = 'pending'
        ORDER BY "NextAttemptUtc"
        FOR UPDATE) AS c
      WHERE w."DeliveryId" = c."DeliveryId"`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },
};
