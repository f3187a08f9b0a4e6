-- crm-outbox: pending migrations for SQL Server 2016+ / Azure SQL.
-- Run with sqlcmd -b -I -i <file>, or in SSMS. Each file is one transaction under the lock
-- outbox:migrate. After every batch a guard checks that it succeeded and the transaction is
-- still open; if not, it rolls the file back, raises an error naming it and sets NOEXEC ON, so
-- nothing after it runs (SSMS goes on to the next batch after an error; sqlcmd -b stops).
SET XACT_ABORT ON;
GO
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sp_getapplock @Resource = N'outbox:migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;
IF @lock < 0
BEGIN
  ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: sp_getapplock on outbox:migrate returned %d (timeout, deadlock or error); nothing was applied', 16, 1, @lock);
END
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'the integration schema');
  SET NOEXEC ON;
END
GO
IF SCHEMA_ID(N'integration') IS NULL EXEC(N'CREATE SCHEMA integration AUTHORIZATION dbo');
IF OBJECT_ID(N'integration.SchemaMigration', N'U') IS NULL
CREATE TABLE integration.SchemaMigration (
  Version    int           NOT NULL CONSTRAINT PK_SchemaMigration PRIMARY KEY CLUSTERED,
  Name       nvarchar(200) NOT NULL,
  Checksum   char(64)      NOT NULL,
  AppliedUtc datetime2(3)  NOT NULL CONSTRAINT DF_SchemaMigration_AppliedUtc DEFAULT SYSUTCDATETIME()
);
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'the integration schema');
  SET NOEXEC ON;
END
GO
COMMIT TRANSACTION;
GO

-- 0001_first.sql  sha256 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sp_getapplock @Resource = N'outbox:migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;
IF @lock < 0
BEGIN
  ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: sp_getapplock on outbox:migrate returned %d (timeout, deadlock or error); nothing was applied', 16, 1, @lock);
END
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0001_first');
  SET NOEXEC ON;
END
GO
INSERT INTO integration.SchemaMigration (Version, Name, Checksum) VALUES (1, N'first', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0001_first');
  SET NOEXEC ON;
END
GO
CREATE TABLE integration.A (x int);
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0001_first');
  SET NOEXEC ON;
END
GO
CREATE VIEW integration.V AS SELECT x FROM integration.A;
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0001_first');
  SET NOEXEC ON;
END
GO
COMMIT TRANSACTION;
GO

-- 0002_second.sql  sha256 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sp_getapplock @Resource = N'outbox:migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;
IF @lock < 0
BEGIN
  ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: sp_getapplock on outbox:migrate returned %d (timeout, deadlock or error); nothing was applied', 16, 1, @lock);
END
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0002_second');
  SET NOEXEC ON;
END
GO
INSERT INTO integration.SchemaMigration (Version, Name, Checksum) VALUES (2, N'second', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0002_second');
  SET NOEXEC ON;
END
GO
CREATE TABLE integration.B (x int);
GO
IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'0002_second');
  SET NOEXEC ON;
END
GO
COMMIT TRANSACTION;
GO

SET NOEXEC OFF;
GO
