-- Webhook delivery (the dispatcher).
-- FailingSinceUtc: when the subscription's current run of failed attempts began (NULL after any
-- success); a subscription failing for delivery.disableAfterFailingDays is disabled.
ALTER TABLE integration.WebhookSubscription ADD FailingSinceUtc datetime2(3) NULL;
-- RequeuedUtc: set by `outbox deliveries resend|recover`; the retry window of a delivery runs from
-- it (or from CreatedUtc when NULL), so a re-queued old delivery gets a full series of retries.
ALTER TABLE integration.WebhookDelivery ADD RequeuedUtc datetime2(3) NULL;
GO
-- The claim takes each enabled subscription's due deliveries up to the room the dispatcher has
-- for it, so one endpoint's backlog is never scanned to reach another's. A claimed delivery's
-- NextAttemptUtc is set to its lease's end: it leaves the due range until then, and a killed
-- dispatcher's deliveries fall due again when their lease ends.
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Subscription_Due ON integration.WebhookDelivery (SubscriptionId, NextAttemptUtc)
  WHERE Status = N'pending';
GO
