-- crm-outbox: the rights its SQL Server login needs. A template: replace the names in angle
-- brackets, review, and run as a DBA in the CRM database. Not a migration (no number).
--
-- The service READS the CRM objects below and nothing else, and WRITES only in the integration
-- schema. It never alters, adds triggers to, or writes the CRM's own tables.

-- 1. The login (server level) and the user (CRM database).
-- CREATE LOGIN [outbox_svc] WITH PASSWORD = N'<a long random password>', CHECK_POLICY = ON;
-- USE [<CRM database>];
CREATE USER [outbox_svc] FOR LOGIN [outbox_svc] WITH DEFAULT_SCHEMA = integration;
GO

-- 2. Read-only access to exactly the source objects (SOURCE-SCHEMA.md). Column lists are not
--    needed: the service never selects the blob columns (ClientDoc.DocContent,
--    AgreementTerms.TermsText), but a DBA may DENY SELECT on them to make that a guarantee.
GRANT SELECT ON dbo.ClientStatus        TO [outbox_svc];
GRANT SELECT ON dbo.TeamRole            TO [outbox_svc];
GRANT SELECT ON dbo.Employee            TO [outbox_svc];
GRANT SELECT ON dbo.Client              TO [outbox_svc];
GRANT SELECT ON dbo.ClientStatusHistory TO [outbox_svc];
GRANT SELECT ON dbo.Invoice             TO [outbox_svc];
GRANT SELECT ON dbo.InvoicePayment      TO [outbox_svc];
GRANT SELECT ON api.vwInvoiceDetails    TO [outbox_svc];
GRANT SELECT ON dbo.DocType             TO [outbox_svc];
GRANT SELECT ON dbo.ClientDoc           TO [outbox_svc];
GRANT SELECT ON dbo.AgreementTerms      TO [outbox_svc];
GRANT SELECT ON dbo.AgreementSigned     TO [outbox_svc];
DENY SELECT ON dbo.ClientDoc (DocContent)      TO [outbox_svc];
DENY SELECT ON dbo.AgreementTerms (TermsText)  TO [outbox_svc];
GO

-- 3. The integration schema, owned by dbo: created here, by the DBA. The service never needs to
--    create it: doing so would take CREATE SCHEMA and IMPERSONATE on dbo (in effect db_owner),
--    and the GRANT below needs the schema to exist anyway.
IF SCHEMA_ID(N'integration') IS NULL EXEC(N'CREATE SCHEMA integration AUTHORIZATION dbo');
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::integration TO [outbox_svc];
-- Capture and migrations take application locks (sp_getapplock), which need no extra right.
-- Optional: `outbox doctor` reports whether the connection is encrypted from
-- sys.dm_exec_connections; without the right below it says it cannot tell.
--   SQL Server, in master, on the login:
-- GRANT VIEW SERVER STATE TO [outbox_svc];
--   Azure SQL Database (which has no server-level rights), in this database, on the user:
-- GRANT VIEW DATABASE STATE TO [outbox_svc];
GO

-- 4. Only if the service applies its own migrations (`outbox run` without --no-migrate):
--    DDL in the integration schema (which step 3 created). Leave this out when a DBA runs
--    `outbox migrate --print`. `outbox doctor` checks these when a migration is pending.
-- GRANT CREATE TABLE TO [outbox_svc];
-- GRANT ALTER ON SCHEMA::integration TO [outbox_svc];
-- GRANT REFERENCES ON SCHEMA::integration TO [outbox_svc];
-- GO

-- 5. The database must be at compatibility level 130 (SQL Server 2016) or higher: every write of
--    the service uses OPENJSON. `outbox run` refuses to start below it and `outbox doctor` says so.
--    A CRM restored from an older version is often at 110 or 120:
-- SELECT name, compatibility_level FROM sys.databases WHERE name = DB_NAME();
-- ALTER DATABASE CURRENT SET COMPATIBILITY_LEVEL = 130;
--    If the CRM's level cannot be raised, give the store a database of its own (store.url) at 130+
--    and point source.url at the CRM: the service only reads the CRM, with plain SELECTs.
