-- Every SQL Server statement of delivery, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == dispatcher: claim per subscription room with the events, then load the targets ==
UPDATE w SET LeaseOwner = @1, LeaseExpiresUtc = @2, NextAttemptUtc = @3
      OUTPUT inserted.DeliveryId, inserted.EventId, inserted.SubscriptionId, inserted.AttemptCount,
        inserted.RequeuedUtc, inserted.CreatedUtc
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (@4) d.DeliveryId
        FROM integration.WebhookSubscription AS s
        LEFT JOIN OPENJSON(@5) WITH (s bigint '$.s', n int '$.n') AS room ON room.s = s.SubscriptionId
        CROSS APPLY (
          SELECT TOP (COALESCE(room.n, @6)) q.DeliveryId
          FROM integration.WebhookDelivery AS q WITH (UPDLOCK, READPAST, ROWLOCK, READCOMMITTEDLOCK)
          WHERE q.SubscriptionId = s.SubscriptionId AND q.Status = N'pending' AND q.NextAttemptUtc <= @7
          ORDER BY q.NextAttemptUtc) AS d
        WHERE s.Enabled = 1) AS due ON due.DeliveryId = w.DeliveryId;
-- parameter types: string, Date, Date, number, string, number, Date
SELECT EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata FROM integration.OutboxEvent
      WHERE EventId IN (SELECT CAST(value AS bigint) FROM OPENJSON(@1));
-- parameter types: string
select "SubscriptionId", "Url", "Enabled", "Secret", "PreviousSecret", "PreviousSecretExpiresUtc" from "integration"."WebhookSubscription" where "SubscriptionId" in (@1, @2);
-- parameter types: number, number

-- == dispatcher: record a batch of results, disable failing and gone subscriptions ==
BEGIN TRANSACTION;
INSERT INTO integration.DeliveryAttempt
        (DeliveryId, SubscriptionId, EventId, AttemptNumber, HttpStatus, ErrorClass, ResponseBody, ElapsedMs, AttemptedUtc)
      SELECT a.d, a.s, a.e, a.n, a.h, a.c, a.b, a.ms, CAST(a.at AS datetime2(3))
      FROM OPENJSON(@1) WITH (
        d bigint '$.d', s bigint '$.s', e bigint '$.e', n int '$.n', h int '$.h', c nvarchar(40) '$.c',
        b nvarchar(4000) '$.b', ms int '$.ms', at nvarchar(30) '$.at') AS a
      JOIN integration.WebhookDelivery AS w ON w.DeliveryId = a.d AND w.LeaseOwner = @2;
-- parameter types: string, string
UPDATE w SET Status = u.st, AttemptCount = u.n, NextAttemptUtc = CAST(u.[next] AS datetime2(3)), LastHttpStatus = u.h,
        LastError = u.err, CompletedUtc = CAST(u.done AS datetime2(3)), LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN OPENJSON(@1) WITH (
        d bigint '$.d', st nvarchar(20) '$.st', n int '$.n', [next] nvarchar(30) '$.next', h int '$.h',
        err nvarchar(200) '$.err', done nvarchar(30) '$.done') AS u ON w.DeliveryId = u.d
      WHERE w.LeaseOwner = @2;
-- parameter types: string, string
update "integration"."WebhookSubscription" set "FailingSinceUtc" = @1 where "SubscriptionId" in (@2) and "FailingSinceUtc" is not null;
-- parameter types: null, number
update "integration"."WebhookSubscription" set "FailingSinceUtc" = @1 where "SubscriptionId" in (@2) and "FailingSinceUtc" is null;
-- parameter types: Date, number
select "SubscriptionId" from "integration"."WebhookSubscription" where "SubscriptionId" in (@1) and "Enabled" = @2 and "FailingSinceUtc" <= @3;
-- parameter types: number, boolean, Date
update "integration"."WebhookSubscription" set "Enabled" = @1, "DisabledReason" = @2, "UpdatedUtc" = @3 where "SubscriptionId" = @4 and "Enabled" = @5;
-- parameter types: boolean, string, Date, number, boolean
UPDATE w SET Status = N'cancelled', LastError = @1, CompletedUtc = @2, LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (2000) q.DeliveryId
        FROM integration.WebhookDelivery AS q WITH (UPDLOCK, ROWLOCK, READCOMMITTEDLOCK)
        WHERE q.SubscriptionId = @3 AND q.Status = N'pending'
        ORDER BY q.NextAttemptUtc) AS c ON c.DeliveryId = w.DeliveryId;
-- parameter types: string, Date, number
update "integration"."WebhookSubscription" set "Enabled" = @1, "DisabledReason" = @2, "UpdatedUtc" = @3 where "SubscriptionId" = @4 and "Enabled" = @5;
-- parameter types: boolean, string, Date, number, boolean
UPDATE w SET Status = N'cancelled', LastError = @1, CompletedUtc = @2, LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (2000) q.DeliveryId
        FROM integration.WebhookDelivery AS q WITH (UPDLOCK, ROWLOCK, READCOMMITTEDLOCK)
        WHERE q.SubscriptionId = @3 AND q.Status = N'pending'
        ORDER BY q.NextAttemptUtc) AS c ON c.DeliveryId = w.DeliveryId;
-- parameter types: string, Date, number
COMMIT TRANSACTION;

-- == dispatcher: renew and release leases ==
update "integration"."WebhookDelivery" set "LeaseExpiresUtc" = @1, "NextAttemptUtc" = @2 where "DeliveryId" in (@3, @4) and "LeaseOwner" = @5 and "Status" = N'pending';
-- parameter types: Date, Date, number, number, string
update "integration"."WebhookDelivery" set "LeaseOwner" = @1, "LeaseExpiresUtc" = @2, "NextAttemptUtc" = @3 where "DeliveryId" in (@4) and "LeaseOwner" = @5 and "Status" = N'pending';
-- parameter types: null, null, Date, number, string

-- == outbox deliveries resend / recover ==
update "integration"."WebhookDelivery" set "Status" = @1, "AttemptCount" = @2, "NextAttemptUtc" = @3, "RequeuedUtc" = @4, "CompletedUtc" = @5, "LeaseOwner" = @6, "LeaseExpiresUtc" = @7 where "DeliveryId" = @8;
-- parameter types: string, number, Date, Date, null, null, null, number
BEGIN TRANSACTION;
select "EventTypes", "Enabled" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
update top(2000) "integration"."WebhookDelivery" set "Status" = @1, "AttemptCount" = @2, "NextAttemptUtc" = @3, "RequeuedUtc" = @4, "CompletedUtc" = @5 where "SubscriptionId" = @6 and "Status" in (@7, @8) and "EventId" in (select "EventId" from "integration"."OutboxEvent" where "CreatedUtc" >= @9);
-- parameter types: string, number, Date, Date, null, number, string, string, Date
select top(5000) "EventId" from "integration"."OutboxEvent" where "EventId" > @1 and "CreatedUtc" >= @2 and "EventType" in (@3, @4) order by "EventId";
-- parameter types: number, Date, string, string
DECLARE @rows nvarchar(max) = @1;
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.WebhookDelivery (EventId, SubscriptionId, NextAttemptUtc)
      SELECT d.e, d.s, @2
      FROM OPENJSON(@rows) WITH (e bigint '$.e', s bigint '$.s') AS d
      WHERE NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS w WHERE w.EventId = d.e AND w.SubscriptionId = d.s);
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= 3
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT @inserted AS inserted;;
-- parameter types: string, Date
select top(5000) "EventId" from "integration"."OutboxEvent" where "EventId" > @1 and "CreatedUtc" >= @2 and "EventType" in (@3, @4) order by "EventId";
-- parameter types: number, Date, string, string
COMMIT TRANSACTION;

