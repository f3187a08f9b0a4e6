-- The integration schema: the outbox, capture watermarks, webhook subscriptions, deliveries,
-- the attempt log and API keys. Names keep their case (quoted) so one set of names works on
-- SQL Server and PostgreSQL. All timestamps are UTC.

CREATE TABLE integration."OutboxEvent" (
  "EventId"     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "EventType"   varchar(100)   NOT NULL,
  "SourceKey"   varchar(200)   NOT NULL,
  "CreatedUtc"  timestamptz(3) NOT NULL,
  "CompanyId"   integer        NOT NULL,
  "Payload"     text           NOT NULL CHECK ("Payload"::json IS NOT NULL),
  "Metadata"    text           NOT NULL DEFAULT '{}' CHECK ("Metadata"::json IS NOT NULL),
  "RecordedUtc" timestamptz(3) NOT NULL DEFAULT now(),
  -- Capture may read a source row twice (late commits, crash and restart); the key makes the
  -- second insert a no-op, so each business change is one event.
  CONSTRAINT "UQ_OutboxEvent_Type_SourceKey" UNIQUE ("EventType", "SourceKey")
);
-- Pollers filter by type and page by id.
CREATE INDEX "IX_OutboxEvent_Type_Id" ON integration."OutboxEvent" ("EventType", "EventId");
-- Retention deletes by age.
CREATE INDEX "IX_OutboxEvent_RecordedUtc" ON integration."OutboxEvent" ("RecordedUtc");

CREATE TABLE integration."CaptureWatermark" (
  "SourceName" varchar(100)   NOT NULL PRIMARY KEY,
  "LastKey"    bigint         NOT NULL,
  "UpdatedUtc" timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE integration."WebhookSubscription" (
  "SubscriptionId"           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "Url"                      varchar(2048)  NOT NULL,
  "EventTypes"               varchar(2000)  NOT NULL,
  "Description"              varchar(500)   NULL,
  "Secret"                   varchar(200)   NOT NULL,
  "PreviousSecret"           varchar(200)   NULL,
  "PreviousSecretExpiresUtc" timestamptz(3) NULL,
  "Enabled"                  boolean        NOT NULL DEFAULT true,
  "DisabledReason"           varchar(500)   NULL,
  "CreatedUtc"               timestamptz(3) NOT NULL DEFAULT now(),
  "UpdatedUtc"               timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE integration."WebhookDelivery" (
  "DeliveryId"      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "EventId"         bigint         NOT NULL REFERENCES integration."OutboxEvent" ("EventId"),
  "SubscriptionId"  bigint         NOT NULL REFERENCES integration."WebhookSubscription" ("SubscriptionId") ON DELETE CASCADE,
  "Status"          varchar(20)    NOT NULL DEFAULT 'pending'
                    CHECK ("Status" IN ('pending', 'succeeded', 'failed', 'cancelled')),
  "AttemptCount"    integer        NOT NULL DEFAULT 0,
  "NextAttemptUtc"  timestamptz(3) NOT NULL,
  "LeaseOwner"      varchar(100)   NULL,
  "LeaseExpiresUtc" timestamptz(3) NULL,
  "LastHttpStatus"  integer        NULL,
  "LastError"       varchar(200)   NULL,
  "CreatedUtc"      timestamptz(3) NOT NULL DEFAULT now(),
  "CompletedUtc"    timestamptz(3) NULL,
  CONSTRAINT "UQ_WebhookDelivery_Event_Subscription" UNIQUE ("EventId", "SubscriptionId")
);
-- The dispatcher's queue: only pending rows, in the order they fall due.
CREATE INDEX "IX_WebhookDelivery_Due" ON integration."WebhookDelivery" ("NextAttemptUtc")
  WHERE "Status" = 'pending';
CREATE INDEX "IX_WebhookDelivery_Subscription" ON integration."WebhookDelivery" ("SubscriptionId", "DeliveryId");

CREATE TABLE integration."DeliveryAttempt" (
  "AttemptId"      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "DeliveryId"     bigint         NOT NULL REFERENCES integration."WebhookDelivery" ("DeliveryId") ON DELETE CASCADE,
  "SubscriptionId" bigint         NOT NULL,
  "EventId"        bigint         NOT NULL,
  "AttemptNumber"  integer        NOT NULL,
  "HttpStatus"     integer        NULL,
  "ErrorClass"     varchar(40)    NULL,
  "ResponseBody"   varchar(4000)  NULL,
  "ElapsedMs"      integer        NOT NULL,
  "AttemptedUtc"   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX "IX_DeliveryAttempt_Delivery" ON integration."DeliveryAttempt" ("DeliveryId", "AttemptNumber");
CREATE INDEX "IX_DeliveryAttempt_AttemptedUtc" ON integration."DeliveryAttempt" ("AttemptedUtc");

CREATE TABLE integration."ApiKey" (
  "ApiKeyId"    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "Name"        varchar(200)   NOT NULL,
  "Prefix"      varchar(20)    NOT NULL,
  "KeyHash"     char(64)       NOT NULL,
  "Scopes"      varchar(200)   NOT NULL,
  "CreatedUtc"  timestamptz(3) NOT NULL DEFAULT now(),
  "LastUsedUtc" timestamptz(3) NULL,
  "RevokedUtc"  timestamptz(3) NULL,
  CONSTRAINT "UQ_ApiKey_KeyHash" UNIQUE ("KeyHash")
);
