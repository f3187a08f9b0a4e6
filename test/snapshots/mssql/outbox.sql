-- Every SQL Server statement of outbox, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == append events and fan out to subscriptions ==
BEGIN TRANSACTION;
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
DECLARE @rows nvarchar(max) = @1;
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @2, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
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
        DELETE FROM @out;
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT EventId, EventType FROM @out ORDER BY EventId;;
-- parameter types: string, number
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
COMMIT TRANSACTION;

