-- Index review for SQL Server.
-- The polling API pages by (RowVer, EventId). A UNIQUE index on a rowversion column adds nothing on
-- SQL Server (the counter never repeats) and fails on engines that stamp one value per
-- transaction (Babelfish), so the RowVer index becomes a plain one on both columns.
DROP INDEX IX_OutboxEvent_RowVer ON integration.OutboxEvent;
CREATE NONCLUSTERED INDEX IX_OutboxEvent_RowVer_Id ON integration.OutboxEvent (RowVer, EventId) INCLUDE (EventType);
GO
-- Maintained on every write and read by nothing since 0003 (pollers page by RowVer) and 0004
-- (the claim seeks IX_WebhookDelivery_Subscription_Due).
DROP INDEX IX_OutboxEvent_Type_Id ON integration.OutboxEvent;
DROP INDEX IX_WebhookDelivery_Due ON integration.WebhookDelivery;
GO
-- Retention deletes the attempts of expired events by EventId: without this each batch scanned
-- the attempt log.
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_Event ON integration.DeliveryAttempt (EventId);
GO
