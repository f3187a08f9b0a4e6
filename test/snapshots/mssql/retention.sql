-- Every SQL Server statement of retention, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == retention pass: old attempts, then old finished events with their deliveries ==
DELETE TOP (@1) FROM integration.DeliveryAttempt WHERE AttemptedUtc < @2;
-- parameter types: number, Date
SELECT TOP (@1) e.EventId FROM integration.OutboxEvent AS e
      WHERE e.RecordedUtc < @2
        AND NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS d WHERE d.EventId = e.EventId AND d.Status = N'pending')
      ORDER BY e.EventId;
-- parameter types: number, Date
DELETE TOP (@1) FROM integration.DeliveryAttempt WHERE EventId IN (SELECT CAST(value AS bigint) FROM OPENJSON(@2));
-- parameter types: number, string
DELETE TOP (@1) FROM integration.WebhookDelivery WHERE EventId IN (SELECT CAST(value AS bigint) FROM OPENJSON(@2)) AND Status <> N'pending';
-- parameter types: number, string
DELETE e FROM integration.OutboxEvent AS e WHERE e.EventId IN (SELECT CAST(value AS bigint) FROM OPENJSON(@1))
        AND NOT EXISTS (SELECT 1 FROM integration.WebhookDelivery AS d WHERE d.EventId = e.EventId);
-- parameter types: string

