-- Webhook delivery (the dispatcher). No new index: a claimed delivery's NextAttemptUtc is set to
-- its lease expiry, so the filtered due index (0001) holds only deliveries anyone may claim now, and
-- a killed dispatcher's deliveries fall due again when its lease ends.
-- FailingSinceUtc: when the subscription's current run of failed attempts began (NULL after any
-- success); a subscription failing for delivery.disableAfterFailingDays is disabled.
ALTER TABLE integration.WebhookSubscription ADD FailingSinceUtc datetime2(3) NULL;
-- RequeuedUtc: set by `outbox deliveries resend|recover`; the retry window of a delivery runs from
-- it (or from CreatedUtc when NULL), so a re-queued old delivery gets a full series of retries.
ALTER TABLE integration.WebhookDelivery ADD RequeuedUtc datetime2(3) NULL;
GO
