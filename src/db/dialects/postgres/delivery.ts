import { sql } from 'kysely';
import { claimedFromRow, type ClaimedRow, type DeliveryDialect } from '../../../delivery/delivery-dialect.js';

export const postgresDelivery: DeliveryDialect = {
  async claim(db, { owner, limit, now, leaseUntil, skipSubscriptions }) {
    // The lease end becomes NextAttemptUtc, so a claimed row leaves the due range until it ends.
    const result = await sql<ClaimedRow>`
      WITH due AS (
        SELECT "DeliveryId" FROM integration."WebhookDelivery"
        WHERE "Status" = 'pending' AND "NextAttemptUtc" <= ${now}
          AND "SubscriptionId" <> ALL (${`{${skipSubscriptions.join(',')}}`}::bigint[])
        ORDER BY "NextAttemptUtc"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE integration."WebhookDelivery" AS w
      SET "LeaseOwner" = ${owner}, "LeaseExpiresUtc" = ${leaseUntil}, "NextAttemptUtc" = ${leaseUntil}
      FROM due WHERE w."DeliveryId" = due."DeliveryId"
      RETURNING w."DeliveryId", w."EventId", w."SubscriptionId", w."AttemptCount",
        COALESCE(w."RequeuedUtc", w."CreatedUtc") AS "WindowStartUtc"`.execute(db);
    return result.rows.map(claimedFromRow);
  },

  async insertAttempts(trx, rows) {
    await sql`
      INSERT INTO integration."DeliveryAttempt"
        ("DeliveryId", "SubscriptionId", "EventId", "AttemptNumber", "HttpStatus", "ErrorClass", "ResponseBody", "ElapsedMs", "AttemptedUtc")
      SELECT a.d, a.s, a.e, a.n, a.h, a.c, a.b, a.ms, a.at AT TIME ZONE 'UTC'
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS a(d bigint, s bigint, e bigint, n integer, h integer, c varchar(40), b varchar(4000), ms integer, at timestamp(3))`.execute(trx);
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
};
