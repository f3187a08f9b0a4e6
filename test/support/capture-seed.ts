import { type RawBuilder, sql } from 'kysely';
import type { TestDialect } from './databases.js';

/**
 * The capture benchmark's CRM rows, written in the store's own SQL: PostgreSQL numbers them with
 * generate_series, which T-SQL lacks; there a TOP (n) of six cross-joined digit lists does it.
 */
export interface CaptureSeed {
  /** n new clients, a third of them with StatusID 10, created a second apart from 2026-01-28 10:00. */
  clients(n: number): RawBuilder<unknown>;
  /** n clients with no contact details, all created at 2026-01-28 10:00. */
  bareClients(n: number): RawBuilder<unknown>;
  invoices(n: number): RawBuilder<unknown>;
  /** A payment on every even-numbered invoice. */
  payEvenInvoices(): RawBuilder<unknown>;
  /** A payment on each of the odd invoices 2g+1 for g in from..from+9. */
  payTenOddInvoices(from: number): RawBuilder<unknown>;
  /** Refreshes the planner's statistics after a bulk load. */
  analyze(): RawBuilder<unknown>;
  /** Reclaims a rolled-back import's dead rows (PostgreSQL's VACUUM); null where the engine has none to run. */
  vacuumClients(): RawBuilder<unknown> | null;
}

const postgresSeed: CaptureSeed = {
  clients: (
    n,
  ) => sql`INSERT INTO dbo."Client" ("FirstName", "LastName", "Email", "Phone", "StatusID", "EmployeeID", "LeadSource", "CreatedDate")
      SELECT 'First' || g, 'Last' || g, 'c' || g || '@example.com', '+1415555' || g, CASE WHEN g % 3 = 0 THEN 10 ELSE 42 END, 7, 'import', timestamp '2026-01-28 10:00:00' + g * interval '1 second'
      FROM generate_series(1, ${n}::int) AS g`,
  bareClients: (n) => sql`INSERT INTO dbo."Client" ("FirstName", "LastName", "StatusID", "EmployeeID", "LeadSource", "CreatedDate")
        SELECT 'First' || g, 'Last' || g, 42, 7, 'import', timestamp '2026-01-28 10:00:00' FROM generate_series(1, ${n}::int) AS g`,
  invoices: (n) => sql`INSERT INTO dbo."Invoice" ("ClientID", "Amount", "DueDate", "Description", "CreatedDate")
      SELECT 1, 99, date '2026-02-05', 'Monthly Service Fee', timestamp '2026-01-01 00:00:00' FROM generate_series(1, ${n}::int) AS g`,
  payEvenInvoices:
    () => sql`INSERT INTO dbo."InvoicePayment" ("InvoiceID", "ClientID", "Amount", "PaymentMethod", "IsSuccessful", "PaymentDate")
      SELECT "InvoiceID", 1, 99, 'Credit Card', true, timestamp '2026-01-02 00:00:00' FROM dbo."Invoice" WHERE "InvoiceID" % 2 = 0`,
  payTenOddInvoices: (
    from,
  ) => sql`INSERT INTO dbo."InvoicePayment" ("InvoiceID", "ClientID", "Amount", "PaymentMethod", "IsSuccessful", "PaymentDate")
        SELECT g * 2 + 1, 1, 99, 'Credit Card', true, timestamp '2026-01-28 11:45:00' FROM generate_series(${from}::int, ${from + 9}::int) AS g`,
  analyze: () => sql`ANALYZE`,
  vacuumClients: () => sql`VACUUM ANALYZE dbo."Client"`,
};

/** 1..n (n at most 1,000,000) as column g. */
const numbers = (n: number) => {
  const digits = (name: string) => sql.raw(`(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) AS ${name}(x)`);
  return sql`(SELECT TOP (${n}) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS g
    FROM ${digits('d1')} CROSS JOIN ${digits('d2')} CROSS JOIN ${digits('d3')}
    CROSS JOIN ${digits('d4')} CROSS JOIN ${digits('d5')} CROSS JOIN ${digits('d6')}) AS n`;
};

const mssqlSeed: CaptureSeed = {
  clients: (n) => sql`INSERT INTO dbo.Client (FirstName, LastName, Email, Phone, StatusID, EmployeeID, LeadSource, CreatedDate)
      SELECT CONCAT(N'First', g), CONCAT(N'Last', g), CONCAT(N'c', g, N'@example.com'), CONCAT(N'+1415555', g),
        CASE WHEN g % 3 = 0 THEN 10 ELSE 42 END, 7, N'import', DATEADD(second, g, CAST('2026-01-28T10:00:00' AS datetime2))
      FROM ${numbers(n)}`,
  bareClients: (n) => sql`INSERT INTO dbo.Client (FirstName, LastName, StatusID, EmployeeID, LeadSource, CreatedDate)
        SELECT CONCAT(N'First', g), CONCAT(N'Last', g), 42, 7, N'import', CAST('2026-01-28T10:00:00' AS datetime2) FROM ${numbers(n)}`,
  invoices: (n) => sql`INSERT INTO dbo.Invoice (ClientID, Amount, DueDate, Description, CreatedDate)
      SELECT 1, 99, CAST('2026-02-05' AS date), N'Monthly Service Fee', CAST('2026-01-01T00:00:00' AS datetime2) FROM ${numbers(n)}`,
  payEvenInvoices: () => sql`INSERT INTO dbo.InvoicePayment (InvoiceID, ClientID, Amount, PaymentMethod, IsSuccessful, PaymentDate)
      SELECT InvoiceID, 1, 99, N'Credit Card', 1, CAST('2026-01-02T00:00:00' AS datetime2) FROM dbo.Invoice WHERE InvoiceID % 2 = 0`,
  payTenOddInvoices: (from) => sql`INSERT INTO dbo.InvoicePayment (InvoiceID, ClientID, Amount, PaymentMethod, IsSuccessful, PaymentDate)
        SELECT (g + ${from - 1}) * 2 + 1, 1, 99, N'Credit Card', 1, CAST('2026-01-28T11:45:00' AS datetime2) FROM ${numbers(10)}`,
  analyze: () => sql`EXEC sp_updatestats`,
  // SQL Server removes a rollback's rows as it rolls back (ghost cleanup does the rest): nothing to run.
  vacuumClients: () => null,
};

export function captureSeed(dialect: TestDialect): CaptureSeed {
  if (dialect === 'pglite') throw new Error('the capture benchmark runs on a database server');
  return dialect === 'mssql' ? mssqlSeed : postgresSeed;
}
