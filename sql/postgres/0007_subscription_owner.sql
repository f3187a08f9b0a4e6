-- The API key that created a subscription (integration."ApiKey"."ApiKeyId"). A key sees and
-- changes only its own subscriptions; a key with the admin scope sees all. NULL for
-- subscriptions made before this migration or outside the API: only admin keys manage those.
ALTER TABLE integration."WebhookSubscription" ADD COLUMN "OwnerKeyId" bigint NULL;
