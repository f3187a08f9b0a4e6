-- Every SQL Server statement of realtime, compiled by Kysely's MssqlDialect. Reviewed by hand;
-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.

-- == capture probe: the newest key of every source object, one round trip ==
SELECT 0 AS i, max("EmployeeID") AS newest FROM "dbo"."Employee" UNION ALL SELECT 1 AS i, max("ClientID") AS newest FROM "dbo"."Client" UNION ALL SELECT 2 AS i, max("ClientStatusHistoryID") AS newest FROM "dbo"."ClientStatusHistory" UNION ALL SELECT 3 AS i, max("InvoiceID") AS newest FROM "dbo"."Invoice" UNION ALL SELECT 4 AS i, max("InvoicePaymentID") AS newest FROM "dbo"."InvoicePayment" UNION ALL SELECT 5 AS i, max("ClientDocID") AS newest FROM "dbo"."ClientDoc" UNION ALL SELECT 6 AS i, max("AgreementSignedID") AS newest FROM "dbo"."AgreementSigned";

-- == long poll watch: types and positions past the newest event seen ==
DECLARE @cutoff binary(8) = MIN_ACTIVE_ROWVERSION();
      SELECT TOP (@1) EventType, EventId, CAST(CAST(RowVer AS bigint) AS varchar(20)) AS Position FROM integration.OutboxEvent
      WHERE RowVer >= CAST(CAST(@2 AS bigint) AS binary(8)) AND (RowVer > CAST(CAST(@3 AS bigint) AS binary(8)) OR EventId > @4)
        AND RowVer < @cutoff
      ORDER BY RowVer, EventId;
-- parameter types: number, string, string, number

