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

-- 3. The integration schema: created by a DBA (or by the service, see 4).
IF SCHEMA_ID(N'integration') IS NULL EXEC(N'CREATE SCHEMA integration AUTHORIZATION dbo');
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::integration TO [outbox_svc];
-- Capture and migrations take application locks (sp_getapplock), which need no extra right.
-- Optional: `outbox doctor` reports whether the connection is encrypted from
-- sys.dm_exec_connections, which needs VIEW SERVER STATE; without it doctor says it cannot tell.
-- GRANT VIEW SERVER STATE TO [outbox_svc];   -- run in master, on the login
GO

-- 4. Only if the service applies its own migrations (`outbox run` without --no-migrate):
--    DDL in the integration schema. Leave this out when a DBA runs `outbox migrate --print`.
-- GRANT CREATE TABLE TO [outbox_svc];
-- GRANT ALTER ON SCHEMA::integration TO [outbox_svc];
-- GRANT REFERENCES ON SCHEMA::integration TO [outbox_svc];
-- GO
