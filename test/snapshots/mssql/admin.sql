-- Every SQL Server statement of admin, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == portal sessions: open (and sweep the idle), find, touch, close ==
insert into "integration"."AdminSession" ("SessionHash", "ApiKeyId", "CsrfToken", "CreatedUtc", "LastSeenUtc") values (@1, @2, @3, @4, @5);
-- parameter types: string, number, string, Date, Date
delete from "integration"."AdminSession" where "LastSeenUtc" < @1;
-- parameter types: Date
select "s"."ApiKeyId", "s"."CsrfToken", "s"."LastSeenUtc", "k"."RevokedUtc", "k"."Scopes" from "integration"."AdminSession" as "s" inner join "integration"."ApiKey" as "k" on "k"."ApiKeyId" = "s"."ApiKeyId" where "s"."SessionHash" = @1;
-- parameter types: string
update "integration"."AdminSession" set "LastSeenUtc" = @1 where "SessionHash" = @2;
-- parameter types: Date, string
delete from "integration"."AdminSession" where "SessionHash" = @1;
-- parameter types: string

-- == portal overview: capture per source, events per type and attempts by outcome over 24 h, troubled subscriptions, queue depth ==
select "SourceName", "LastKey", "UpdatedUtc" from "integration"."CaptureWatermark";
select top(1) "EventId", "CreatedUtc", "RecordedUtc" from "integration"."OutboxEvent" where "EventType" = @1 and ("Metadata" not like @2 and "Metadata" not like @3) order by "EventId" desc;
-- parameter types: string, string, string
select top(1) "EventId", "CreatedUtc", "RecordedUtc" from "integration"."OutboxEvent" where "EventType" = @1 and ("Metadata" not like @2 and "Metadata" not like @3) order by "EventId" desc;
-- parameter types: string, string, string
select "EventType", count(*) as "n" from "integration"."OutboxEvent" where "CreatedUtc" >= @1 group by "EventType";
-- parameter types: Date
select "HttpStatus", count(*) as "n" from "integration"."DeliveryAttempt" where "AttemptedUtc" >= @1 group by "HttpStatus";
-- parameter types: Date
select top(100) "SubscriptionId", "Url", "Description", "Enabled", "DisabledReason", "FailingSinceUtc" from "integration"."WebhookSubscription" where ("Enabled" = @1 or "FailingSinceUtc" is not null) order by "SubscriptionId";
-- parameter types: boolean
select "SubscriptionId", count(*) as "n" from "integration"."DeliveryAttempt" where "AttemptedUtc" >= @1 and "SubscriptionId" in (@2) and ("HttpStatus" is null or "HttpStatus" < @3 or "HttpStatus" >= @4) group by "SubscriptionId";
-- parameter types: Date, number, number, number
select count(*) as "n" from "integration"."WebhookDelivery" where "Status" = N'pending';

-- == portal events: newest first with every filter, the next page, one event ==
select top(51) "EventId", "EventType", "SourceKey", "CreatedUtc", "RecordedUtc" from "integration"."OutboxEvent" order by "EventId" desc;
select top(51) "EventId", "EventType", "SourceKey", "CreatedUtc", "RecordedUtc" from "integration"."OutboxEvent" where "EventType" = @1 and "EventId" = @2 and "CreatedUtc" >= @3 and "CreatedUtc" < @4 order by "CreatedUtc" desc, "EventId" desc;
-- parameter types: string, number, Date, Date
select "EventId", "EventType", "CreatedUtc", "CompanyId", "Payload", "Metadata", "RecordedUtc" from "integration"."OutboxEvent" where "EventId" = @1;
-- parameter types: number

-- == portal delivery log: newest first with every filter, one delivery ==
select top(51) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc", "s"."Url" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" left join "integration"."WebhookSubscription" as "s" on "s"."SubscriptionId" = "d"."SubscriptionId" order by "d"."DeliveryId" desc;
select top(51) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc", "s"."Url" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" left join "integration"."WebhookSubscription" as "s" on "s"."SubscriptionId" = "d"."SubscriptionId" where "d"."DeliveryId" < @1 and "d"."SubscriptionId" = @2 and "d"."EventId" = @3 and "d"."Status" in (@4) and "d"."LastHttpStatus" = @5 and "d"."CreatedUtc" >= @6 and "d"."CreatedUtc" < @7 order by "d"."DeliveryId" desc;
-- parameter types: number, number, number, string, number, Date, Date
select top(2) "d"."DeliveryId", "d"."EventId", "e"."EventType", "d"."SubscriptionId", "d"."Status", "d"."AttemptCount", "d"."NextAttemptUtc", "d"."LastHttpStatus", "d"."LastError", "d"."CreatedUtc", "d"."CompletedUtc", "s"."Url" from "integration"."WebhookDelivery" as "d" inner join "integration"."OutboxEvent" as "e" on "e"."EventId" = "d"."EventId" left join "integration"."WebhookSubscription" as "s" on "s"."SubscriptionId" = "d"."SubscriptionId" where "d"."DeliveryId" < @1 order by "d"."DeliveryId" desc;
-- parameter types: number

-- == recover preview: failed and cancelled deliveries since, events of its types it never had ==
select "EventTypes" from "integration"."WebhookSubscription" where "SubscriptionId" = @1;
-- parameter types: number
select count(*) as "n" from "integration"."WebhookDelivery" where "SubscriptionId" = @1 and "Status" in (@2, @3) and "EventId" in (select "EventId" from "integration"."OutboxEvent" where "CreatedUtc" >= @4);
-- parameter types: number, string, string, Date
select count(*) as "n" from "integration"."OutboxEvent" as "e" where "e"."CreatedUtc" >= @1 and "e"."EventType" in (@2) and not exists (select "d"."DeliveryId" from "integration"."WebhookDelivery" as "d" where "d"."EventId" = "e"."EventId" and "d"."SubscriptionId" = @3);
-- parameter types: Date, string, number

