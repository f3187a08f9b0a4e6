-- Every SQL Server statement of outbox, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == append events and fan out to subscriptions ==
BEGIN TRANSACTION;
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @1, e.payload, e.metadata
      FROM OPENJSON(@2) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created',
        payload nvarchar(max) '$.payload' AS JSON, metadata nvarchar(max) '$.metadata' AS JSON) AS e
      WHERE NOT EXISTS (
        SELECT 1 FROM integration.OutboxEvent AS o WITH (UPDLOCK, HOLDLOCK)
        WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
-- parameter types: number, string
INSERT INTO integration.WebhookDelivery (EventId, SubscriptionId, NextAttemptUtc)
      SELECT d.e, d.s, @1
      FROM OPENJSON(@2) WITH (e bigint '$.e', s bigint '$.s') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM integration.WebhookDelivery AS w WITH (UPDLOCK, HOLDLOCK)
        WHERE w.EventId = d.e AND w.SubscriptionId = d.s);
-- parameter types: Date, string
COMMIT TRANSACTION;

