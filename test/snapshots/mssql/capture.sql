-- Every SQL Server statement of capture, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == first start of every source object: the watermark starts at the current maximum ==
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("e"."EmployeeID") as "top" from "dbo"."Employee" as "e" left join "dbo"."TeamRole" as "r" on "r"."TeamRoleID" = "e"."TeamRoleID";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("c"."ClientID") as "top" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("h"."ClientStatusHistoryID") as "top" from "dbo"."ClientStatusHistory" as "h" left join "dbo"."ClientStatus" as "p" on "p"."StatusID" = "h"."PreviousStatusID" left join "dbo"."ClientStatus" as "n" on "n"."StatusID" = "h"."StatusID";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("v"."InvoiceID") as "top" from "api"."vwInvoiceDetails" as "v";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("p"."InvoicePaymentID") as "top" from "dbo"."InvoicePayment" as "p";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("d"."ClientDocID") as "top" from "dbo"."ClientDoc" as "d" left join "dbo"."DocType" as "t" on "t"."DocTypeID" = "d"."DocTypeID";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select max("a"."AgreementSignedID") as "top" from "dbo"."AgreementSigned" as "a" left join "dbo"."AgreementTerms" as "t" on "t"."TermsID" = "a"."TermsID";
insert into "integration"."CaptureWatermark" ("SourceName", "LastKey", "UpdatedUtc") values (@1, @2, @3);
-- parameter types: string, number, Date
COMMIT TRANSACTION;

-- == an idle cycle (dbo.Client): lock, watermark, pending gap ranges (none), read past the watermark ==
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select "FirstKey", "LastKey", "FirstSeenUtc" from "integration"."CaptureGapRange" where "SourceName" = @1 order by "FirstKey";
-- parameter types: string
select top(5000) "c"."ClientID" as "key", "c"."ClientID", "c"."FirstName", "c"."LastName", "c"."Email", "c"."Phone", "c"."StatusID", "s"."StatusName", "c"."EmployeeID", "e"."FullName" as "EmployeeName", "c"."AffiliateID", "c"."LeadSource", "c"."CreatedDate" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."ClientID" > @1 order by "c"."ClientID";
-- parameter types: number
COMMIT TRANSACTION;

-- == a cycle with two pending gap ranges, one expired, and new rows past a new gap (dbo.Client): late row, events, ranges, watermark ==
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select "FirstKey", "LastKey", "FirstSeenUtc" from "integration"."CaptureGapRange" where "SourceName" = @1 order by "FirstKey";
-- parameter types: string
select top(5000) * from (select * from (select top(5000) "c"."ClientID" as "key", "c"."ClientID", "c"."FirstName", "c"."LastName", "c"."Email", "c"."Phone", "c"."StatusID", "s"."StatusName", "c"."EmployeeID", "e"."FullName" as "EmployeeName", "c"."AffiliateID", "c"."LeadSource", "c"."CreatedDate" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."ClientID" >= @1 and "c"."ClientID" <= @2 order by "c"."ClientID") as "r0" union all select * from (select top(5000) "c"."ClientID" as "key", "c"."ClientID", "c"."FirstName", "c"."LastName", "c"."Email", "c"."Phone", "c"."StatusID", "s"."StatusName", "c"."EmployeeID", "e"."FullName" as "EmployeeName", "c"."AffiliateID", "c"."LeadSource", "c"."CreatedDate" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."ClientID" >= @3 and "c"."ClientID" <= @4 order by "c"."ClientID") as "r1" union all select * from (select top(5000) "c"."ClientID" as "key", "c"."ClientID", "c"."FirstName", "c"."LastName", "c"."Email", "c"."Phone", "c"."StatusID", "s"."StatusName", "c"."EmployeeID", "e"."FullName" as "EmployeeName", "c"."AffiliateID", "c"."LeadSource", "c"."CreatedDate" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."ClientID" > @5 order by "c"."ClientID") as "r2") as "cycle" order by "cycle"."key";
-- parameter types: number, number, number, number, number
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
DECLARE @rows nvarchar(max) = @1;
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @2, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= 3
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        DELETE FROM @out;
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT EventId, EventType FROM @out ORDER BY EventId;;
-- parameter types: string, number
delete from "integration"."CaptureGapRange" where "SourceName" = @1 and "FirstKey" in (@2, @3);
-- parameter types: string, number, number
INSERT INTO integration.CaptureGapRange (SourceName, FirstKey, LastKey, FirstSeenUtc)
        SELECT @1, r.f, r.l, CAST(r.s AS datetime2(3))
        FROM OPENJSON(@2) WITH (f bigint '$.f', l bigint '$.l', s nvarchar(23) '$.s') AS r;
-- parameter types: string, string
insert into "integration"."CaptureGapExpired" ("SourceName", "ExpiredUtc", "FirstKey", "LastKey", "FirstSeenUtc") values (@1, @2, @3, @4, @5);
-- parameter types: string, Date, number, number, Date
update "integration"."CaptureWatermark" set "LastKey" = @1, "UpdatedUtc" = @2 where "SourceName" = @3;
-- parameter types: number, Date, string
COMMIT TRANSACTION;

-- == a payment cycle with the invoice status fast path (dbo.InvoicePayment) ==
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select "FirstKey", "LastKey", "FirstSeenUtc" from "integration"."CaptureGapRange" where "SourceName" = @1 order by "FirstKey";
-- parameter types: string
select top(5000) "p"."InvoicePaymentID" as "key", "p"."InvoicePaymentID", "p"."InvoiceID", "p"."ClientID", "p"."Amount", "p"."PaymentMethod", "p"."IsSuccessful", "p"."FailureReason", "p"."TransactionID", "p"."PaymentDate" from "dbo"."InvoicePayment" as "p" where "p"."InvoicePaymentID" > @1 order by "p"."InvoicePaymentID";
-- parameter types: number
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
DECLARE @rows nvarchar(max) = @1;
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @2, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= 3
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        DELETE FROM @out;
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT EventId, EventType FROM @out ORDER BY EventId;;
-- parameter types: string, number
select "v"."InvoiceID" as "key", "v"."InvoiceID", "v"."ClientID", "v"."Amount", "v"."DueDate", "v"."Description", "v"."InvoiceStatus", "v"."TotalPaid", "v"."Balance", "v"."LastPaymentDate", "v"."CreatedDate" from "api"."vwInvoiceDetails" as "v" where "v"."InvoiceID" in (@1);
-- parameter types: number
select "InvoiceID", "Status", "Version" from "integration"."CaptureInvoiceStatus" where "InvoiceID" in (@1);
-- parameter types: number
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
DECLARE @rows nvarchar(max) = @1;
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @2, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= 3
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        DELETE FROM @out;
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT EventId, EventType FROM @out ORDER BY EventId;;
-- parameter types: string, number
UPDATE s SET s.Status = r.s, s.Version = r.v, s.SeenUtc = SYSUTCDATETIME()
      FROM integration.CaptureInvoiceStatus AS s WITH (UPDLOCK)
      JOIN OPENJSON(@1) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r ON r.i = s.InvoiceID;
-- parameter types: string
INSERT INTO integration.CaptureInvoiceStatus (InvoiceID, Status, Version)
      SELECT r.i, r.s, r.v
      FROM OPENJSON(@1) WITH (i bigint '$.i', s nvarchar(20) '$.s', v int '$.v') AS r
      WHERE NOT EXISTS (SELECT 1 FROM integration.CaptureInvoiceStatus AS s WHERE s.InvoiceID = r.i);
-- parameter types: string
update "integration"."CaptureWatermark" set "LastKey" = @1, "UpdatedUtc" = @2 where "SourceName" = @3;
-- parameter types: number, Date, string
COMMIT TRANSACTION;

-- == one page of the invoice status reconciliation ==
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select top(5000) "v"."InvoiceID" as "key", "v"."InvoiceID", "v"."ClientID", "v"."Amount", "v"."DueDate", "v"."Description", "v"."InvoiceStatus", "v"."TotalPaid", "v"."Balance", "v"."LastPaymentDate", "v"."CreatedDate" from "api"."vwInvoiceDetails" as "v" where "v"."InvoiceID" > @1 order by "v"."InvoiceID";
-- parameter types: number
select "InvoiceID", "Status", "Version" from "integration"."CaptureInvoiceStatus" where "InvoiceID" in (@1);
-- parameter types: number
COMMIT TRANSACTION;

-- == a backfill of client.created since a date: position, one page, done ==
select "Since", "EventTypes", "NextKey", "EndKey" from "integration"."CaptureBackfill" where "SourceName" = @1;
-- parameter types: string
select "LastKey" from "integration"."CaptureWatermark" where "SourceName" = @1;
-- parameter types: string
select min("c"."ClientID") as "low" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."CreatedDate" >= @1;
-- parameter types: string
delete from "integration"."CaptureBackfill" where "SourceName" = @1;
-- parameter types: string
insert into "integration"."CaptureBackfill" ("SourceName", "Since", "EventTypes", "NextKey", "EndKey", "UpdatedUtc") values (@1, @2, @3, @4, @5, @6);
-- parameter types: string, string, string, number, number, Date
BEGIN TRANSACTION;
DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = @1, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = @2;
    SELECT @granted AS granted;;
-- parameter types: string, number
select top(5000) "c"."ClientID" as "key", "c"."ClientID", "c"."FirstName", "c"."LastName", "c"."Email", "c"."Phone", "c"."StatusID", "s"."StatusName", "c"."EmployeeID", "e"."FullName" as "EmployeeName", "c"."AffiliateID", "c"."LeadSource", "c"."CreatedDate" from "dbo"."Client" as "c" inner join "dbo"."ClientStatus" as "s" on "s"."StatusID" = "c"."StatusID" left join "dbo"."Employee" as "e" on "e"."EmployeeID" = "c"."EmployeeID" where "c"."ClientID" > @1 and "c"."ClientID" <= @2 order by "c"."ClientID";
-- parameter types: number, number
select "SourceKey" from "integration"."OutboxEvent" where "EventType" in (@1, @2) and "SourceKey" in (@3);
-- parameter types: string, string, string
select "SubscriptionId", "EventTypes" from "integration"."WebhookSubscription" where "Enabled" = @1;
-- parameter types: boolean
DECLARE @rows nvarchar(max) = @1;
      DECLARE @out TABLE (EventId bigint NOT NULL, EventType nvarchar(100) NOT NULL);
      
    DECLARE @inserted int = 0, @tries int = 0, @done bit = 0;
    SET XACT_ABORT OFF;
    WHILE @done = 0
    BEGIN
      BEGIN TRY
        
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, Metadata)
      OUTPUT inserted.EventId, inserted.EventType INTO @out
      SELECT e.type, e.[key], CAST(e.created AS datetime2(3)), @2, JSON_QUERY(j.value, '$.payload'), JSON_QUERY(j.value, '$.metadata')
      FROM OPENJSON(@rows) AS j
      CROSS APPLY OPENJSON(j.value) WITH (
        ord int '$.ord', type nvarchar(100) '$.type', [key] nvarchar(200) '$.key', created nvarchar(30) '$.created') AS e
      WHERE NOT EXISTS (SELECT 1 FROM integration.OutboxEvent AS o WHERE o.EventType = e.type AND o.SourceKey = e.[key])
      ORDER BY e.ord;
        SET @inserted = @@ROWCOUNT;
        SET @done = 1;
      END TRY
      BEGIN CATCH
        SET @tries = @tries + 1;
        IF ERROR_NUMBER() NOT IN (2627, 2601) OR XACT_STATE() <> 1 OR @tries >= 3
        BEGIN
          SET XACT_ABORT ON;
          THROW;
        END;
        DELETE FROM @out;
      END CATCH;
    END;
    SET XACT_ABORT ON;
      SELECT EventId, EventType FROM @out ORDER BY EventId;;
-- parameter types: string, number
update "integration"."CaptureBackfill" set "NextKey" = @1, "UpdatedUtc" = @2 where "SourceName" = @3;
-- parameter types: number, Date, string
COMMIT TRANSACTION;
delete from "integration"."CaptureBackfill" where "SourceName" = @1;
-- parameter types: string

