-- Every SQL Server statement of foundation, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == migrate: bootstrap, then apply pending files ==
SELECT OBJECT_ID(N'integration.SchemaMigration', N'U') AS found;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
IF SCHEMA_ID(N'integration') IS NULL EXEC(N'CREATE SCHEMA integration AUTHORIZATION dbo');
IF OBJECT_ID(N'integration.SchemaMigration', N'U') IS NULL
CREATE TABLE integration.SchemaMigration (
  Version    int           NOT NULL CONSTRAINT PK_SchemaMigration PRIMARY KEY CLUSTERED,
  Name       nvarchar(200) NOT NULL,
  Checksum   char(64)      NOT NULL,
  AppliedUtc datetime2(3)  NOT NULL CONSTRAINT DF_SchemaMigration_AppliedUtc DEFAULT SYSUTCDATETIME()
);;
COMMIT TRANSACTION;
SELECT OBJECT_ID(N'integration.SchemaMigration', N'U') AS found;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
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
);;
-- Pollers filter by type and page by id.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_Type_Id ON integration.OutboxEvent (EventType, EventId);
-- Retention deletes by age.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_RecordedUtc ON integration.OutboxEvent (RecordedUtc);;
CREATE TABLE integration.CaptureWatermark (
  SourceName nvarchar(100) NOT NULL CONSTRAINT PK_CaptureWatermark PRIMARY KEY CLUSTERED,
  LastKey    bigint        NOT NULL,
  UpdatedUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureWatermark_UpdatedUtc DEFAULT SYSUTCDATETIME()
);;
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
);;
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
);;
-- The dispatcher's queue: a filtered index holds only pending rows, in the order they fall due,
-- so claiming with UPDLOCK, READPAST, ROWLOCK seeks past finished deliveries.
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Due ON integration.WebhookDelivery (NextAttemptUtc)
  INCLUDE (LeaseExpiresUtc, SubscriptionId, EventId) WHERE Status = N'pending';
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Subscription ON integration.WebhookDelivery (SubscriptionId, DeliveryId);;
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
);;
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_Delivery ON integration.DeliveryAttempt (DeliveryId, AttemptNumber);
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_AttemptedUtc ON integration.DeliveryAttempt (AttemptedUtc);;
CREATE TABLE integration.ApiKey (
  ApiKeyId    bigint IDENTITY(1,1) NOT NULL CONSTRAINT PK_ApiKey PRIMARY KEY CLUSTERED,
  Name        nvarchar(200) NOT NULL,
  Prefix      nvarchar(20)  NOT NULL,
  KeyHash     nchar(64)     NOT NULL CONSTRAINT UQ_ApiKey_KeyHash UNIQUE NONCLUSTERED,
  Scopes      nvarchar(200) NOT NULL,
  CreatedUtc  datetime2(3)  NOT NULL CONSTRAINT DF_ApiKey_CreatedUtc DEFAULT SYSUTCDATETIME(),
  LastUsedUtc datetime2(3)  NULL,
  RevokedUtc  datetime2(3)  NULL
);;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- Change capture: identities the capture skipped because they were not committed yet (late
-- commits), the last invoice status the capture saw per invoice, and backfill positions.

-- A key below a watermark that was missing when the watermark passed it: re-read every cycle
-- until the row appears (a late commit) or the entry is older than capture.gapTimeoutMs (a
-- rollback or a deleted row).
CREATE TABLE integration.CaptureGap (
  SourceName   nvarchar(100) NOT NULL,
  MissingKey   bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureGap_FirstSeenUtc DEFAULT SYSUTCDATETIME(),
  CONSTRAINT PK_CaptureGap PRIMARY KEY CLUSTERED (SourceName, MissingKey)
);;
-- The view api.vwInvoiceDetails has no change column: the capture keeps what it last saw.
-- Version counts the changes emitted, and makes each invoice.status_changed's source key unique.
CREATE TABLE integration.CaptureInvoiceStatus (
  InvoiceID bigint        NOT NULL CONSTRAINT PK_CaptureInvoiceStatus PRIMARY KEY CLUSTERED,
  Status    nvarchar(20)  NOT NULL,
  Version   int           NOT NULL,
  SeenUtc   datetime2(3)  NOT NULL CONSTRAINT DF_CaptureInvoiceStatus_SeenUtc DEFAULT SYSUTCDATETIME()
);;
-- One row per source object being backfilled: where it resumes and where it stops.
CREATE TABLE integration.CaptureBackfill (
  SourceName nvarchar(100)  NOT NULL CONSTRAINT PK_CaptureBackfill PRIMARY KEY CLUSTERED,
  Since      nvarchar(10)   NOT NULL,
  EventTypes nvarchar(2000) NOT NULL,
  NextKey    bigint         NOT NULL,
  EndKey     bigint         NOT NULL,
  UpdatedUtc datetime2(3)   NOT NULL CONSTRAINT DF_CaptureBackfill_UpdatedUtc DEFAULT SYSUTCDATETIME()
);;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- The polling API's commit order. IDENTITY values are taken at insert, not at commit, so a poller
-- paging by EventId alone can move past an id whose writer is still open and never see it. A
-- rowversion column is stamped at write time from a database-wide counter, and
-- MIN_ACTIVE_ROWVERSION() is the lowest value still held by an open transaction: a page returns
-- only rows below it, in RowVer order, so a cursor only moves past rows that can no longer appear.
-- The outbox is append-only, so a row's RowVer never changes after its insert commits.
-- https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql
ALTER TABLE integration.OutboxEvent ADD RowVer rowversion NOT NULL;;
CREATE UNIQUE NONCLUSTERED INDEX IX_OutboxEvent_RowVer ON integration.OutboxEvent (RowVer) INCLUDE (EventType);
CREATE NONCLUSTERED INDEX IX_OutboxEvent_Type_RowVer ON integration.OutboxEvent (EventType, RowVer);;
-- Bearer keys are looked up by their visible prefix, then the hash is compared in constant time.
CREATE NONCLUSTERED INDEX IX_ApiKey_Prefix ON integration.ApiKey (Prefix);;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- Webhook delivery (the dispatcher).
-- FailingSinceUtc: when the subscription's current run of failed attempts began (NULL after any
-- success); a subscription failing for delivery.disableAfterFailingDays is disabled.
ALTER TABLE integration.WebhookSubscription ADD FailingSinceUtc datetime2(3) NULL;
-- RequeuedUtc: set by `outbox deliveries resend|recover`; the retry window of a delivery runs from
-- it (or from CreatedUtc when NULL), so a re-queued old delivery gets a full series of retries.
ALTER TABLE integration.WebhookDelivery ADD RequeuedUtc datetime2(3) NULL;;
-- The claim takes each enabled subscription's due deliveries up to the room the dispatcher has
-- for it, so one endpoint's backlog is never scanned to reach another's. A claimed delivery's
-- NextAttemptUtc is set to its lease's end: it leaves the due range until then, and a killed
-- dispatcher's deliveries fall due again when their lease ends.
CREATE NONCLUSTERED INDEX IX_WebhookDelivery_Subscription_Due ON integration.WebhookDelivery (SubscriptionId, NextAttemptUtc)
  WHERE Status = N'pending';;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- Late-commit gaps kept as key ranges. A range of keys the watermark passed while they were
-- missing (an open transaction, a rollback, an identity jump) is one row however many keys it
-- holds, so every pending range is re-read each cycle at the cost of one index seek, and the
-- watermark never passes a key that is not tracked. A key that appears is captured and cut out
-- of its range; what is still missing after capture.gapTimeoutMs is read one last time, then
-- moved to CaptureGapExpired.
CREATE TABLE integration.CaptureGapRange (
  SourceName   nvarchar(100) NOT NULL,
  FirstKey     bigint        NOT NULL,
  LastKey      bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureGapRange_FirstSeenUtc DEFAULT SYSUTCDATETIME(),
  CONSTRAINT PK_CaptureGapRange PRIMARY KEY CLUSTERED (SourceName, FirstKey),
  CONSTRAINT CK_CaptureGapRange_Keys CHECK (LastKey >= FirstKey)
);;
-- The pending keys of 0002's one-row-per-key table, as ranges of consecutive keys (a run's
-- key minus its rank is constant). A merged range keeps its newest member's time, so no key
-- is given up sooner than it was before.
INSERT INTO integration.CaptureGapRange (SourceName, FirstKey, LastKey, FirstSeenUtc)
SELECT SourceName, MIN(MissingKey), MAX(MissingKey), MAX(FirstSeenUtc)
FROM (
  SELECT SourceName, MissingKey, FirstSeenUtc,
         MissingKey - ROW_NUMBER() OVER (PARTITION BY SourceName ORDER BY MissingKey) AS [Run]
  FROM integration.CaptureGap
) AS runs
GROUP BY SourceName, [Run];;
DROP TABLE integration.CaptureGap;;
-- Key ranges capture gave up on: missing longer than capture.gapTimeoutMs. Most are rolled-back
-- or deleted rows; a CRM transaction that stayed open longer than the timeout also ends here,
-- and its rows never become events. Shown by `outbox status`; the service logs each as an error.
CREATE TABLE integration.CaptureGapExpired (
  SourceName   nvarchar(100) NOT NULL,
  ExpiredUtc   datetime2(3)  NOT NULL,
  FirstKey     bigint        NOT NULL,
  LastKey      bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL,
  CONSTRAINT PK_CaptureGapExpired PRIMARY KEY CLUSTERED (SourceName, ExpiredUtc, FirstKey)
);;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- Index review for SQL Server.
-- The polling API pages by (RowVer, EventId). A UNIQUE index on a rowversion column adds nothing on
-- SQL Server (the counter never repeats) and fails on engines that stamp one value per
-- transaction (Babelfish), so the RowVer index becomes a plain one on both columns.
DROP INDEX IX_OutboxEvent_RowVer ON integration.OutboxEvent;
CREATE NONCLUSTERED INDEX IX_OutboxEvent_RowVer_Id ON integration.OutboxEvent (RowVer, EventId) INCLUDE (EventType);;
-- Maintained on every write and read by nothing since 0003 (pollers page by RowVer) and 0004
-- (the claim seeks IX_WebhookDelivery_Subscription_Due).
DROP INDEX IX_OutboxEvent_Type_Id ON integration.OutboxEvent;
DROP INDEX IX_WebhookDelivery_Due ON integration.WebhookDelivery;;
-- Retention deletes the attempts of expired events by EventId: without this each batch scanned
-- the attempt log.
CREATE NONCLUSTERED INDEX IX_DeliveryAttempt_Event ON integration.DeliveryAttempt (EventId);;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- The API key that created a subscription (integration.ApiKey.ApiKeyId). A key sees and changes
-- only its own subscriptions; a key with the admin scope sees all. NULL for subscriptions made
-- before this migration or outside the API: only admin keys manage those.
ALTER TABLE integration.WebhookSubscription ADD OwnerKeyId bigint NULL;;
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "Version" from "integration"."SchemaMigration" where "Version" = @1;
-- parameter types: number
insert into "integration"."SchemaMigration" ("Version", "Name", "Checksum") values (@1, @2, @3);
-- parameter types: number, string, string
-- The admin portal (/admin). A browser session is a row, not process memory, so several service
-- instances behind one address share sign-ins, sign-out ends the session everywhere at once, and
-- revoking the API key that opened it ends it too (the session references the key).
-- SessionHash: SHA-256 of the cookie's random token (the token itself is never stored).
-- CsrfToken: the value every portal form must send back with a state-changing request.
-- LastSeenUtc: the idle expiry (admin.sessionIdleMinutes) runs from it.
CREATE TABLE integration.AdminSession (
  SessionHash nchar(64)     NOT NULL CONSTRAINT PK_AdminSession PRIMARY KEY CLUSTERED,
  ApiKeyId    bigint        NOT NULL CONSTRAINT FK_AdminSession_ApiKey REFERENCES integration.ApiKey (ApiKeyId) ON DELETE CASCADE,
  CsrfToken   nvarchar(64)  NOT NULL,
  CreatedUtc  datetime2(3)  NOT NULL CONSTRAINT DF_AdminSession_CreatedUtc DEFAULT SYSUTCDATETIME(),
  LastSeenUtc datetime2(3)  NOT NULL
);;
-- Expired sessions are deleted by age.
CREATE NONCLUSTERED INDEX IX_AdminSession_LastSeenUtc ON integration.AdminSession (LastSeenUtc);
-- The portal's event list within a time range, newest first (keyset on CreatedUtc, EventId), and
-- the overview's events per type over 24 h, counted from this index alone.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_CreatedUtc_Id ON integration.OutboxEvent (CreatedUtc, EventId) INCLUDE (EventType);;
COMMIT TRANSACTION;

-- == schema state ==
SELECT OBJECT_ID(N'integration.SchemaMigration', N'U') AS found;
select "Version", "Name", "Checksum" from "integration"."SchemaMigration" order by "Version";

-- == status ==
SELECT OBJECT_ID(N'integration.SchemaMigration', N'U') AS found;
select "Version", "Name", "Checksum" from "integration"."SchemaMigration" order by "Version";
select "SourceName", "LastKey", "UpdatedUtc" from "integration"."CaptureWatermark" order by "SourceName";
select count(*) as "events", max("EventId") as "newestEventId" from "integration"."OutboxEvent";
select top(1) "CreatedUtc" from "integration"."OutboxEvent" where ("Metadata" not like @1 and "Metadata" not like @2) order by "CreatedUtc" desc, "EventId" desc;
-- parameter types: string, string
select sum(CASE WHEN "Status" = N'pending' THEN 1 ELSE 0 END) as "pending", sum(CASE WHEN "Status" = N'failed' THEN 1 ELSE 0 END) as "failed" from "integration"."WebhookDelivery";
select min("NextAttemptUtc") as "due" from "integration"."WebhookDelivery" where "Status" = N'pending';
select "SourceName", count(*) as "ranges", sum("LastKey" - "FirstKey" + 1) as "keys", min("FirstSeenUtc") as "oldest" from "integration"."CaptureGapRange" group by "SourceName";
select "SourceName", count(*) as "ranges", sum("LastKey" - "FirstKey" + 1) as "keys" from "integration"."CaptureGapExpired" group by "SourceName";
select top(1) "FirstKey", "LastKey", "FirstSeenUtc", "ExpiredUtc" from "integration"."CaptureGapExpired" where "SourceName" = @1 order by "ExpiredUtc" desc, "FirstKey" desc;
-- parameter types: undefined

-- == demo: does the CRM exist ==
SELECT COUNT(*) AS found FROM INFORMATION_SCHEMA.TABLES
    WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'Client';

-- == demo simulator: one of each business act ==
BEGIN TRANSACTION;
insert into "dbo"."Client" ("FirstName", "LastName", "Email", "Phone", "StatusID", "EmployeeID", "AffiliateID", "LeadSource", "CreatedDate") output "inserted"."ClientID" as "id" values (@1, @2, @3, @4, @5, @6, @7, @8, @9);
-- parameter types: string, string, string, string, number, null, null, string, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
insert into "dbo"."Client" ("FirstName", "LastName", "Email", "Phone", "StatusID", "EmployeeID", "AffiliateID", "LeadSource", "CreatedDate") output "inserted"."ClientID" as "id" values (@1, @2, @3, @4, @5, @6, @7, @8, @9);
-- parameter types: string, string, string, string, number, number, null, string, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("ClientID") as "top" from "dbo"."Client";
select max("ClientID") as "id" from "dbo"."Client" where "StatusID" in (@1, @2, @3) and "ClientID" <= @4;
-- parameter types: number, number, number, number
select "ClientID", "StatusID" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
update "dbo"."Client" set "StatusID" = @1 where "ClientID" = @2;
-- parameter types: number, number
insert into "dbo"."ClientStatusHistory" ("ClientID", "PreviousStatusID", "StatusID", "ChangedDate", "ChangedByEmployeeID", "StatusNote") values (@1, @2, @3, @4, @5, @6);
-- parameter types: number, number, number, string, number, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("ClientID") as "top" from "dbo"."Client";
select max("ClientID") as "id" from "dbo"."Client" where "StatusID" in (@1) and "ClientID" <= @2;
-- parameter types: number, number
select "ClientID", "StatusID" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
update "dbo"."Client" set "StatusID" = @1 where "ClientID" = @2;
-- parameter types: number, number
insert into "dbo"."ClientStatusHistory" ("ClientID", "PreviousStatusID", "StatusID", "ChangedDate", "ChangedByEmployeeID", "StatusNote") values (@1, @2, @3, @4, @5, @6);
-- parameter types: number, number, number, string, number, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("ClientID") as "top" from "dbo"."Client";
select max("ClientID") as "id" from "dbo"."Client" where "StatusID" in (@1) and "ClientID" <= @2;
-- parameter types: number, number
select "ClientID", "StatusID" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
insert into "dbo"."Invoice" ("ClientID", "Amount", "DueDate", "Description", "CreatedDate") values (@1, @2, @3, @4, @5);
-- parameter types: number, number, string, string, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("InvoiceID") as "top" from "dbo"."Invoice";
select max("InvoiceID") as "id" from "api"."vwInvoiceDetails" where "InvoiceStatus" in (@1, @2, @3) and "InvoiceID" <= @4;
-- parameter types: string, string, string, number
select "InvoiceID", "ClientID", "Balance" from "api"."vwInvoiceDetails" where "InvoiceID" = @1;
-- parameter types: number
insert into "dbo"."InvoicePayment" ("InvoiceID", "ClientID", "Amount", "PaymentMethod", "IsSuccessful", "FailureReason", "TransactionID", "PaymentDate") values (@1, @2, @3, @4, @5, @6, @7, @8);
-- parameter types: number, number, number, string, boolean, null, string, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("ClientID") as "top" from "dbo"."Client";
select max("ClientID") as "id" from "dbo"."Client" where "StatusID" in (@1, @2, @3, @4) and "ClientID" <= @5;
-- parameter types: number, number, number, number, number
select "ClientID", "StatusID" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
insert into "dbo"."ClientDoc" ("ClientID", "DocName", "DocTypeID", "DocContent", "CreatedDate") values (@1, @2, @3, @4, @5);
-- parameter types: number, string, number, bytes, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
select max("ClientID") as "top" from "dbo"."Client";
select max("ClientID") as "id" from "dbo"."Client" where "StatusID" in (@1, @2) and "ClientID" <= @3;
-- parameter types: number, number, number
select "ClientID", "StatusID" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
select "FirstName", "LastName" from "dbo"."Client" where "ClientID" = @1;
-- parameter types: number
insert into "dbo"."AgreementSigned" ("ClientID", "TermsID", "NameSigned", "IPAddress", "SignedDate") values (@1, @2, @3, @4, @5);
-- parameter types: number, number, string, string, string
COMMIT TRANSACTION;
BEGIN TRANSACTION;
insert into "dbo"."Employee" ("FullName", "Email", "Phone", "TeamRoleID", "IsActive", "IsApprovedAffiliate", "AffiliateCode", "CreatedDate") values (@1, @2, @3, @4, @5, @6, @7, @8);
-- parameter types: string, string, string, number, boolean, boolean, string, string
COMMIT TRANSACTION;

