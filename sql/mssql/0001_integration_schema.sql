-- The integration schema: the outbox, capture watermarks, webhook subscriptions, deliveries,
-- the attempt log and API keys. SQL Server 2016+ and Azure SQL. All timestamps are UTC
-- (datetime2(3)); every string is nvarchar so the driver's NVarChar parameters seek on indexes.

CREATE TABLE integration.OutboxEvent (
  EventId     bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_OutboxEvent PRIMARY KEY CLUSTERED,
  EventType   nvarchar(100) NOT NULL,
  SourceKey   nvarchar(200) NOT NULL,
  CreatedUtc  datetime2(3)  NOT NULL,
  CompanyId   int           NOT NULL,
  Payload     nvarchar(max) NOT NULL CONSTRAINT CK_OutboxEvent_Payload_IsJson CHECK (ISJSON(Payload) = 1),
  Metadata    nvarchar(max) NOT NULL CONSTRAINT DF_OutboxEvent_Metadata DEFAULT N'{}'
                            CONSTRAINT CK_OutboxEvent_Metadata_IsJson CHECK (ISJSON(Metadata) = 1),
  RecordedUtc datetime2(3)  NOT NULL CONSTRAINT DF_OutboxEvent_RecordedUtc DEFAULT SYSUTCDATETIME(),
  -- Capture may read a source row twice (late commits, crash and restart); the key makes the
  -- second insert a no-op, so each business change is one event.
  CONSTRAINT UQ_OutboxEvent_Type_SourceKey UNIQUE NONCLUSTERED (EventType, SourceKey)
);
GO
-- Pollers filter by type and page by id.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_Type_Id ON integration.OutboxEvent (EventType, EventId);
-- Retention deletes by age.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_RecordedUtc ON integration.OutboxEvent (RecordedUtc);
GO

CREATE TABLE integration.CaptureWatermark (
  SourceName nvarchar(100) NOT NULL CONSTRAINT PK_CaptureWatermark PRIMARY KEY CLUSTERED,
  LastKey    bigint        NOT NULL,
  UpdatedUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureWatermark_UpdatedUtc DEFAULT SYSUTCDATETIME()
);
GO

CREATE TABLE integration.WebhookSubscription (
  SubscriptionId           bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_WebhookSubscription PRIMARY KEY CLUSTERED,
  Url                      nvarchar(2048) NOT NULL,
  EventTypes               nvarchar(2000) NOT NULL,
  Description              nvarchar(500)  NULL,
  Secret                   nvarchar(200)  NOT NULL,
  PreviousSecret           nvarchar(200)  NULL,
  PreviousSecretExpiresUtc datetime2(3)   NULL,
  Enabled                  bit            NOT NULL CONSTRAINT DF_WebhookSubscription_Enabled DEFAULT 1,
  DisabledReason           nvarchar(500)  NULL,
  CreatedUtc               datetime2(3)   NOT NULL CONSTRAINT DF_WebhookSubscription_CreatedUtc DEFAULT SYSUTCDATETIME(),
  UpdatedUtc               datetime2(3)   NOT NULL CONSTRAINT DF_WebhookSubscription_UpdatedUtc DEFAULT SYSUTCDATETIME()
);
GO

CREATE TABLE integration.WebhookDelivery (
  DeliveryId      bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_WebhookDelivery PRIMARY KEY CLUSTERED,
  EventId         bigint        NOT NULL CONSTRAINT FK_WebhookDelivery_OutboxEvent REFERENCES integration.OutboxEvent (EventId),
  SubscriptionId  bigint        NOT NULL CONSTRAINT FK_WebhookDelivery_Subscription
                                REFERENCES integration.WebhookSubscription (SubscriptionId) ON DELETE CASCADE,
  Status          nvarchar(20)  NOT NULL CONSTRAINT DF_WebhookDelivery_Status DEFAULT N'pending'
                                CONSTRAINT CK_WebhookDelivery_Status CHECK (Status IN (N'pending', N'succeeded', N'failed', N'cancelled')),
  AttemptCount    int           NOT NULL CONSTRAINT DF_WebhookDelivery_AttemptCount DEFAULT 0,
  NextAttemptUtc  datetime2(3)  NOT NULL,
  LeaseOwner      nvarchar(100) NULL,
  LeaseExpiresUtc datetime2(3)  NULL,
  LastHttpStatus  int           NULL,
  LastError       nvarchar(200) NULL,
  CreatedUtc      datetime2(3)  NOT NULL CONSTRAINT DF_WebhookDelivery_CreatedUtc DEFAULT SYSUTCDATETIME(),
  CompletedUtc    datetime2(3)  NULL,
  CONSTRAINT UQ_WebhookDelivery_Event_Subscription UNIQUE NONCLUSTERED (EventId, SubscriptionId)
);
GO
-- The dispatcher's queue: a filtered index holds only pending rows, in the order they fall due,
-- so claiming with UPDLOCK, READPAST, ROWLOCK seeks past finished deliveries.
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Due ON integration.WebhookDelivery (NextAttemptUtc)
  INCLUDE (LeaseExpiresUtc, SubscriptionId, EventId) WHERE Status = N'pending';
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Subscription ON integration.WebhookDelivery (SubscriptionId, DeliveryId);
GO

CREATE TABLE integration.DeliveryAttempt (
  AttemptId      bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_DeliveryAttempt PRIMARY KEY CLUSTERED,
  DeliveryId     bigint         NOT NULL CONSTRAINT FK_DeliveryAttempt_Delivery
                                REFERENCES integration.WebhookDelivery (DeliveryId) ON DELETE CASCADE,
  SubscriptionId bigint         NOT NULL,
  EventId        bigint         NOT NULL,
  AttemptNumber  int            NOT NULL,
  HttpStatus     int            NULL,
  ErrorClass     nvarchar(40)   NULL,
  ResponseBody   nvarchar(4000) NULL,
  ElapsedMs      int            NOT NULL,
  AttemptedUtc   datetime2(3)   NOT NULL CONSTRAINT DF_DeliveryAttempt_AttemptedUtc DEFAULT SYSUTCDATETIME()
);
GO
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_Delivery ON integration.DeliveryAttempt (DeliveryId, AttemptNumber);
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_AttemptedUtc ON integration.DeliveryAttempt (AttemptedUtc);
GO

CREATE TABLE integration.ApiKey (
  ApiKeyId    bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_ApiKey PRIMARY KEY CLUSTERED,
  Name        nvarchar(200) NOT NULL,
  Prefix      nvarchar(20)  NOT NULL,
  KeyHash     nchar(64)     NOT NULL CONSTRAINT UQ_ApiKey_KeyHash UNIQUE NONCLUSTERED,
  Scopes      nvarchar(200) NOT NULL,
  CreatedUtc  datetime2(3)  NOT NULL CONSTRAINT DF_ApiKey_CreatedUtc DEFAULT SYSUTCDATETIME(),
  LastUsedUtc datetime2(3)  NULL,
  RevokedUtc  datetime2(3)  NULL
);
GO
