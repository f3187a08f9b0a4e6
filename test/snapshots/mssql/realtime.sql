-- Every SQL Server statement of realtime, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == capture probe: the newest key of every source object, one round trip ==
SELECT 0 AS i, max("EmployeeID") AS newest FROM "dbo"."Employee" UNION ALL SELECT 1 AS i, max("ClientID") AS newest FROM "dbo"."Client" UNION ALL SELECT 2 AS i, max("ClientStatusHistoryID") AS newest FROM "dbo"."ClientStatusHistory" UNION ALL SELECT 3 AS i, max("InvoiceID") AS newest FROM "dbo"."Invoice" UNION ALL SELECT 4 AS i, max("InvoicePaymentID") AS newest FROM "dbo"."InvoicePayment" UNION ALL SELECT 5 AS i, max("ClientDocID") AS newest FROM "dbo"."ClientDoc" UNION ALL SELECT 6 AS i, max("AgreementSignedID") AS newest FROM "dbo"."AgreementSigned";

-- == long poll watch: types and positions past the newest event seen ==
SELECT TOP (@1) EventType, EventId, CONVERT(varchar(18), RowVer, 1) AS Position FROM integration.OutboxEvent
      WHERE RowVer > CONVERT(binary(8), @2, 1) AND RowVer < MIN_ACTIVE_ROWVERSION()
      ORDER BY RowVer;
-- parameter types: number, string

