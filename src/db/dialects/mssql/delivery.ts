import { sql } from 'kysely';
import { claimedFromRow, type ClaimedRow, type DeliveryDialect } from '../../ports/delivery.js';
import { outputRows } from './output-rows.js';

const NO_EVENT = { EventType: null, CreatedUtc: null, CompanyId: null, Payload: null, Metadata: null };

export const mssqlDelivery: DeliveryDialect = {
  async claim(db, { owner, limit, now, leaseUntil, room, defaultRoom }) {
    // One CROSS APPLY probe per enabled subscription on its (SubscriptionId, NextAttemptUtc)
    // range, so a paused or backlogged endpoint costs nothing to step over. UPDLOCK holds the
    // chosen rows to the end of the statement and READPAST steps over rows another dispatcher
    // holds. READPAST needs locking reads: under READ_COMMITTED_SNAPSHOT (Azure SQL's default)
    // READCOMMITTEDLOCK makes this read take them. ROWLOCK only asks for row locks to start with;
    // escalation stays away because the claim's TOP is delivery.batchSize (at most 1,000 rows), far
    // below the 5,000 locks at which SQL Server escalates; the hint does not prevent it. The literal
    // N'pending' matches the filtered index. The lease end becomes NextAttemptUtc: a claimed row
    // leaves the due range until the lease ends.
    // https://learn.microsoft.com/sql/t-sql/queries/hints-transact-sql-table
    // OUTPUT names plain columns only (Babelfish refuses an expression over inserted.*); the
    // retry window's start is picked from RequeuedUtc and CreatedUtc below.
    const claimed = await sql<object>`
      UPDATE w SET LeaseOwner = ${owner}, LeaseExpiresUtc = ${leaseUntil}, NextAttemptUtc = ${leaseUntil}
      OUTPUT inserted.DeliveryId, inserted.EventId, inserted.SubscriptionId, inserted.AttemptCount,
        inserted.RequeuedUtc, inserted.CreatedUtc
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (${limit}) d.DeliveryId
        FROM integration.WebhookSubscription AS s
        LEFT JOIN OPENJSON(${JSON.stringify(room)}) WITH (s bigint '$.s', n int '$.n') AS room ON room.s = s.SubscriptionId
        CROSS APPLY (
          SELECT TOP (COALESCE(room.n, ${defaultRoom})) q.DeliveryId
          FROM integration.WebhookDelivery AS q WITH (UPDLOCK, READPAST, ROWLOCK, READCOMMITTEDLOCK)
          WHERE q.SubscriptionId = s.SubscriptionId AND q.Status = N'pending' AND q.NextAttemptUtc <= ${now}
          ORDER BY q.NextAttemptUtc) AS d
        WHERE s.Enabled = 1) AS due ON due.DeliveryId = w.DeliveryId`.execute(db);
    const rows = outputRows(claimed.rows, ['DeliveryId', 'EventId', 'SubscriptionId', 'AttemptCount', 'RequeuedUtc', 'CreatedUtc']);
    if (rows.length === 0) return [];
    // OUTPUT cannot join, so the events are a second read (READ COMMITTED: they are committed).
    const events = await sql<Omit<ClaimedRow, 'DeliveryId' | 'SubscriptionId' | 'AttemptCount' | 'WindowStartUtc'>>`
      SELECT EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata FROM integration.OutboxEvent
      WHERE EventId IN (SELECT CAST(value AS bigint) FROM OPENJSON(${JSON.stringify([...new Set(rows.map((r) => Number(r.EventId)))])}))`.execute(
      db,
    );
    const byId = new Map(events.rows.map((e) => [Number(e.EventId), e]));
    return rows.map((row) =>
      claimedFromRow({
        DeliveryId: Number(row.DeliveryId),
        EventId: Number(row.EventId),
        SubscriptionId: Number(row.SubscriptionId),
        AttemptCount: Number(row.AttemptCount),
        WindowStartUtc: (row.RequeuedUtc ?? row.CreatedUtc) as Date,
        ...(byId.get(Number(row.EventId)) ?? NO_EVENT),
      }),
    );
  },

  async insertAttempts(trx, owner, rows) {
    await sql`
      INSERT INTO integration.DeliveryAttempt
        (DeliveryId, SubscriptionId, EventId, AttemptNumber, HttpStatus, ErrorClass, ResponseBody, ElapsedMs, AttemptedUtc)
      SELECT a.d, a.s, a.e, a.n, a.h, a.c, a.b, a.ms, CAST(a.at AS datetime2(3))
      FROM OPENJSON(${JSON.stringify(rows)}) WITH (
        d bigint '$.d', s bigint '$.s', e bigint '$.e', n int '$.n', h int '$.h', c nvarchar(40) '$.c',
        b nvarchar(4000) '$.b', ms int '$.ms', at nvarchar(30) '$.at') AS a
      JOIN integration.WebhookDelivery AS w ON w.DeliveryId = a.d AND w.LeaseOwner = ${owner}`.execute(trx);
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

  async cancelPending(db, subscriptionId, reason, now, rows) {
    // The claim's shape: the filtered due index (SubscriptionId, NextAttemptUtc) is read in order
    // with update locks, then the rows are updated. A plain UPDATE ... WHERE SubscriptionId would
    // lock rows first and the index after, the claim's opposite order. No READPAST: a row a
    // dispatcher holds is waited for, and cancelled with the rest.
    const result = await sql`
      UPDATE w SET Status = N'cancelled', LastError = ${reason}, CompletedUtc = ${now}, LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (${sql.lit(rows)}) q.DeliveryId
        FROM integration.WebhookDelivery AS q WITH (UPDLOCK, ROWLOCK, READCOMMITTEDLOCK)
        WHERE q.SubscriptionId = ${subscriptionId} AND q.Status = N'pending'
        ORDER BY q.NextAttemptUtc) AS c ON c.DeliveryId = w.DeliveryId`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },
};
