import { sql } from 'kysely';
import { claimedFromRow, type ClaimedRow, type DeliveryDialect } from '../../../delivery/delivery-dialect.js';

export const mssqlDelivery: DeliveryDialect = {
  async claim(db, { owner, limit, now, leaseUntil, skipSubscriptions }) {
    // UPDLOCK holds the chosen rows to the end of the statement, READPAST steps over rows another
    // dispatcher holds, ROWLOCK keeps it from escalating to a page or the table. The literal
    // N'pending' lets the optimizer use the filtered due index. The lease end becomes
    // NextAttemptUtc, so a claimed row leaves the due range until it ends.
    const result = await sql<ClaimedRow>`
      WITH due AS (
        SELECT TOP (${limit}) DeliveryId, EventId, SubscriptionId, AttemptCount, CreatedUtc, RequeuedUtc,
          LeaseOwner, LeaseExpiresUtc, NextAttemptUtc
        FROM integration.WebhookDelivery WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE Status = N'pending' AND NextAttemptUtc <= ${now}
          AND SubscriptionId NOT IN (SELECT CAST(value AS bigint) FROM OPENJSON(${JSON.stringify(skipSubscriptions)}))
        ORDER BY NextAttemptUtc)
      UPDATE due SET LeaseOwner = ${owner}, LeaseExpiresUtc = ${leaseUntil}, NextAttemptUtc = ${leaseUntil}
      OUTPUT inserted.DeliveryId, inserted.EventId, inserted.SubscriptionId, inserted.AttemptCount,
        COALESCE(inserted.RequeuedUtc, inserted.CreatedUtc) AS WindowStartUtc`.execute(db);
    return result.rows.map(claimedFromRow);
  },

  async insertAttempts(trx, rows) {
    await sql`
      INSERT INTO integration.DeliveryAttempt
        (DeliveryId, SubscriptionId, EventId, AttemptNumber, HttpStatus, ErrorClass, ResponseBody, ElapsedMs, AttemptedUtc)
      SELECT a.d, a.s, a.e, a.n, a.h, a.c, a.b, a.ms, CAST(a.at AS datetime2(3))
      FROM OPENJSON(${JSON.stringify(rows)}) WITH (
        d bigint '$.d', s bigint '$.s', e bigint '$.e', n int '$.n', h int '$.h', c nvarchar(40) '$.c',
        b nvarchar(4000) '$.b', ms int '$.ms', at nvarchar(30) '$.at') AS a`.execute(trx);
  },

  async updateDeliveries(trx, owner, rows) {
    const result = await sql`
      UPDATE w SET Status = u.st, AttemptCount = u.n, NextAttemptUtc = CAST(u.[next] AS datetime2(3)), LastHttpStatus = u.h,
        LastError = u.err, CompletedUtc = CAST(u.done AS datetime2(3)), LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN OPENJSON(${JSON.stringify(rows)}) WITH (
        d bigint '$.d', st nvarchar(20) '$.st', n int '$.n', [next] nvarchar(30) '$.next', h int '$.h',
        err nvarchar(200) '$.err', done nvarchar(30) '$.done') AS u ON w.DeliveryId = u.d
      WHERE w.LeaseOwner = ${owner}`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  },
};
