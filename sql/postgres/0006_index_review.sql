-- Index review: indexes maintained on every write and read by nothing since 0003 (pollers page by
-- ("TxId", "EventId")) and 0004 (the claim uses "IX_WebhookDelivery_Subscription_Due").
DROP INDEX integration."IX_OutboxEvent_Type_Id";
DROP INDEX integration."IX_WebhookDelivery_Due";
-- Retention deletes the attempts of expired events by "EventId": without this each batch scanned
-- the attempt log.
CREATE INDEX "IX_DeliveryAttempt_Event" ON integration."DeliveryAttempt" ("EventId");
