-- Every SQL Server statement of api, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == events page: first page, all types, in commit order ==
DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
        SELECT TOP (@1) EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
        WHERE RowVer >= CAST(CAST(@2 AS bigint) AS binary(8)) AND (RowVer > CAST(CAST(@3 AS bigint) AS binary(8)) OR EventId > @4)
          AND RowVer < @cutoff 
        ORDER BY RowVer, EventId;
-- parameter types: number, string, string, number

-- == events page: after a cursor, two types ==
DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
        SELECT TOP (@1) EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
        WHERE RowVer >= CAST(CAST(@2 AS bigint) AS binary(8)) AND (RowVer > CAST(CAST(@3 AS bigint) AS binary(8)) OR EventId > @4)
          AND RowVer < @cutoff AND EventType IN (@5, @6)
        ORDER BY RowVer, EventId;
-- parameter types: number, string, string, number, string, string

-- == events page: newest first (sample list), one type ==
DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
      SELECT TOP (@1) EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
      WHERE RowVer < @cutoff  AND EventType IN (@2)
      ORDER BY RowVer DESC, EventId DESC;
-- parameter types: number, string

-- == events page: newest first before a cursor ==
DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
      SELECT TOP (@1) EventId, EventType, CreatedUtc, CompanyId, Payload, Metadata, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
      WHERE RowVer < @cutoff AND RowVer <= CAST(CAST(@2 AS bigint) AS binary(8)) AND (RowVer < CAST(CAST(@3 AS bigint) AS binary(8)) OR EventId < @4) 
      ORDER BY RowVer DESC, EventId DESC;
-- parameter types: number, string, string, number

-- == one event by id ==
select "EventId", "EventType", "CreatedUtc", "CompanyId", "Payload", "Metadata" from "integration"."OutboxEvent" where "EventId" = @1;
-- parameter types: number

-- == api keys: create, list, revoke by id and by prefix, verify, record use ==
insert into "integration"."ApiKey" ("Name", "Prefix", "KeyHash", "Scopes") output "inserted"."ApiKeyId" as "id" values (@1, @2, @3, @4);
-- parameter types: string, string, string, string
select "ApiKeyId", "Name", "Prefix", "Scopes", "CreatedUtc", "LastUsedUtc", "RevokedUtc" from "integration"."ApiKey" order by "ApiKeyId";
update "integration"."ApiKey" set "RevokedUtc" = @1 where "ApiKeyId" = @2 and "RevokedUtc" is null;
-- parameter types: Date, number
update "integration"."ApiKey" set "RevokedUtc" = @1 where "Prefix" = @2 and "RevokedUtc" is null;
-- parameter types: Date, string
select "ApiKeyId", "KeyHash", "Scopes" from "integration"."ApiKey" where "Prefix" = @1 and "RevokedUtc" is null;
-- parameter types: string
update "integration"."ApiKey" set "LastUsedUtc" = @1 where "ApiKeyId" = @2 and ("LastUsedUtc" is null or "LastUsedUtc" < @3);
-- parameter types: Date, number, Date

-- == subscriptions: create, get, list, update, rotate the secret, delete ==
insert into "integration"."WebhookSubscription" ("Url", "EventTypes", "Description", "Secret", "Enabled", "OwnerKeyId", "CreatedUtc", "UpdatedUtc") output "inserted"."SubscriptionId" as "id" values (@1, @2, @3, @4, @5, @6, @7, @8);
-- parameter types: string, string, null, string, boolean, null, Date, Date
select "SubscriptionId", "Url", "EventTypes", "Description", "Enabled", "DisabledReason", "CreatedUtc", "UpdatedUtc", "OwnerKeyId" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
select "SubscriptionId", "Url", "EventTypes", "Description", "Enabled", "DisabledReason", "CreatedUtc", "UpdatedUtc", "OwnerKeyId" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
select top(101) "SubscriptionId", "Url", "EventTypes", "Description", "Enabled", "DisabledReason", "CreatedUtc", "UpdatedUtc", "OwnerKeyId" from "integration"."WebhookSubscription" where "SubscriptionId" > @1 order by "SubscriptionId";
-- parameter types: number
update "integration"."WebhookSubscription" set "Url" = @1, "EventTypes" = @2, "Description" = @3, "Enabled" = @4, "DisabledReason" = @5, "FailingSinceUtc" = @6, "UpdatedUtc" = @7 where "SubscriptionId" = @8;
-- parameter types: string, string, string, boolean, null, null, Date, number
UPDATE w SET Status = N'cancelled', LastError = @1, CompletedUtc = @2, LeaseOwner = NULL, LeaseExpiresUtc = NULL
      FROM integration.WebhookDelivery AS w
      JOIN (
        SELECT TOP (2000) q.DeliveryId
        FROM integration.WebhookDelivery AS q WITH (UPDLOCK, ROWLOCK, READCOMMITTEDLOCK)
        WHERE q.SubscriptionId = @3 AND q.Status = N'pending'
        ORDER BY q.NextAttemptUtc) AS c ON c.DeliveryId = w.DeliveryId;
-- parameter types: string, Date, number
select "SubscriptionId", "Url", "EventTypes", "Description", "Enabled", "DisabledReason", "CreatedUtc", "UpdatedUtc", "OwnerKeyId" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
update "integration"."WebhookSubscription" set "PreviousSecret" = "Secret", "PreviousSecretExpiresUtc" = @1, "Secret" = @2, "UpdatedUtc" = @3 where "SubscriptionId" = @4;
-- parameter types: Date, string, Date, number
select "SubscriptionId", "Url", "EventTypes", "Description", "Enabled", "DisabledReason", "CreatedUtc", "UpdatedUtc", "OwnerKeyId" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
BEGIN TRANSACTION;
delete top(2000) from "integration"."DeliveryAttempt" where "DeliveryId" in (select "DeliveryId" from "integration"."WebhookDelivery" where "SubscriptionId" = @1);
-- parameter types: number
delete top(2000) from "integration"."WebhookDelivery" where "SubscriptionId" = @1;
-- parameter types: number
delete from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
COMMIT TRANSACTION;

-- == delivery log: deliveries newest first, before a cursor, filtered, attempts, queue depth ==
select top(101) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" where "d"."SubscriptionId" = @1 order by "d"."DeliveryId" desc;
-- parameter types: number
select top(101) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" where "d"."DeliveryId" < @1 and "d"."SubscriptionId" = @2 order by "d"."DeliveryId" desc;
-- parameter types: number, number
select top(51) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" where "d"."Status" in (@1, @2) and "d"."LastHttpStatus" = @3 and "e"."EventType" in (@4, @5) and "d"."CreatedUtc" >= @6 and "d"."CreatedUtc" < @7 and "d"."SubscriptionId" in (select "SubscriptionId" from "integration"."WebhookSubscription" where "OwnerKeyId" = @8) order by "d"."DeliveryId" desc;
-- parameter types: string, string, number, string, string, Date, Date, number
select "SubscriptionId" from "integration"."WebhookDelivery" where "DeliveryId" = @1;
-- parameter types: number
select "AttemptId", "DeliveryId", "AttemptNumber", "HttpStatus", "ErrorClass", "ResponseBody", "ElapsedMs", "AttemptedUtc" from "integration"."DeliveryAttempt" where "DeliveryId" = @1 order by "AttemptNumber", "AttemptId";
-- parameter types: number
select count(*) as "n" from "integration"."WebhookDelivery" where "Status" = N'pending';

