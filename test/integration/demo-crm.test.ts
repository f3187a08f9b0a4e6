import { expect } from 'chai';
import { sql } from 'kysely';
import { demoCrmExists, ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { CrmSimulator } from '../../src/demo/simulator.js';
import { silentLogger } from '../../src/logging/logger.js';
import { isBabelfish } from '../../src/db/dialects/mssql/engine.js';
import { clientRow, employeeRow } from '../support/crm-rows.js';
import { describeEachDialect } from '../support/databases.js';

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describeEachDialect(
  'the demo CRM',
  (suite) => {
    // Runs first, on the fresh seed: a jump in keys is a capture gap that expires with an error
    // ten minutes into the first `npm start`.
    it('gives the first new row of each captured table the key after the seed rows, leaving no gap', async () => {
      const db = suite.db;
      const nextAfterSeed = async (table: 'dbo.Client' | 'dbo.Employee' | 'dbo.Invoice', key: string, row: Record<string, unknown>) => {
        const last = await db.db
          .selectFrom(table)
          .select(sql<number>`max(${sql.ref(key)})`.as('k'))
          .executeTakeFirstOrThrow();
        const id = await db.dialect.insertReturningId(db.db, table, row as never, key as never);
        return [Number(last.k) + 1, Number(id)];
      };
      const [clientWanted, client] = await nextAfterSeed('dbo.Client', 'ClientID', clientRow('Next', 'Key', '2026-01-01 10:00:00'));
      expect(client).to.equal(clientWanted);
      const [employeeWanted, employee] = await nextAfterSeed('dbo.Employee', 'EmployeeID', employeeRow('Next Key', '2026-01-01 10:00:00'));
      expect(employee).to.equal(employeeWanted);
      const [invoiceWanted, invoice] = await nextAfterSeed('dbo.Invoice', 'InvoiceID', {
        ClientID: 1,
        Amount: 10,
        DueDate: '2026-02-01',
        Description: 'Next key',
        CreatedDate: '2026-01-01 10:00:00',
      });
      expect(invoice).to.equal(invoiceWanted);
    });

    it('creates exactly the objects of the source contract, once', async () => {
      expect(await demoCrmExists(suite.db)).to.equal(true);
      expect(await ensureDemoCrm(suite.db)).to.equal(false);
      // Lowercase aliases: PostgreSQL folds unquoted names, SQL Server keeps them.
      const tables = await sql<{ s: string; t: string; k: string }>`
        SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS k FROM INFORMATION_SCHEMA.TABLES
        WHERE TABLE_SCHEMA IN ('dbo', 'api') ORDER BY TABLE_SCHEMA, TABLE_NAME`.execute(suite.db.db);
      // Babelfish's catalog keeps a view's name in lower case only (names resolve without case
      // there, as on SQL Server's default collation); SQL Server and PostgreSQL keep it as created.
      const babelfish = suite.dialect === 'mssql' && (await isBabelfish(suite.db.db));
      const names = tables.rows.map((row) => `${row.s}.${babelfish && row.k === 'VIEW' ? 'vwInvoiceDetails' : row.t}`);
      if (babelfish) expect(tables.rows.filter((row) => row.k === 'VIEW').map((row) => row.t)).to.deep.equal(['vwinvoicedetails']);
      expect(names).to.deep.equal([
        'api.vwInvoiceDetails',
        'dbo.AgreementSigned',
        'dbo.AgreementTerms',
        'dbo.Client',
        'dbo.ClientDoc',
        'dbo.ClientStatus',
        'dbo.ClientStatusHistory',
        'dbo.DocType',
        'dbo.Employee',
        'dbo.Invoice',
        'dbo.InvoicePayment',
        'dbo.TeamRole',
      ]);
      expect(tables.rows.find((row) => row.t.toLowerCase() === 'vwinvoicedetails')?.k).to.equal('VIEW');
    });

    it('derives invoice status in the view from payments', async () => {
      const db = suite.db.db;
      const invoiceId = await suite.db.dialect.insertReturningId(
        db,
        'dbo.Invoice',
        { ClientID: 1, Amount: 100, DueDate: '2026-02-01', Description: 'Test', CreatedDate: '2026-01-01 10:00:00' },
        'InvoiceID',
      );
      const status = async () =>
        await db
          .selectFrom('api.vwInvoiceDetails')
          .select(['InvoiceStatus', 'TotalPaid', 'Balance'])
          .where('InvoiceID', '=', invoiceId)
          .executeTakeFirstOrThrow();
      const pay = (amount: number, ok: boolean) =>
        db
          .insertInto('dbo.InvoicePayment')
          .values({
            InvoiceID: invoiceId,
            ClientID: 1,
            Amount: amount,
            PaymentMethod: 'ACH',
            IsSuccessful: ok,
            FailureReason: ok ? null : 'declined',
            TransactionID: null,
            PaymentDate: '2026-01-02 10:00:00',
          })
          .execute();
      expect(await status()).to.deep.equal({ InvoiceStatus: 'Unpaid', TotalPaid: 0, Balance: 100 });
      await pay(100, false);
      expect((await status()).InvoiceStatus).to.equal('Failed');
      await pay(40.5, true);
      expect(await status()).to.deep.equal({ InvoiceStatus: 'Partial', TotalPaid: 40.5, Balance: 59.5 });
      await pay(59.5, true);
      expect(await status()).to.deep.equal({ InvoiceStatus: 'Paid', TotalPaid: 100, Balance: 0 });
    });

    it('simulates every kind of CRM activity, in transactions', async () => {
      const simulator = new CrmSimulator(
        suite.db,
        { eventsPerSecond: 100, timezone: 'America/New_York', random: seeded(7) },
        silentLogger(),
      );
      const before = await counts(suite);
      for (let i = 0; i < 150; i++) await simulator.step();
      const after = await counts(suite);
      for (const table of Object.keys(before) as (keyof typeof before)[]) {
        expect(after[table], table).to.be.greaterThan(before[table]);
      }
      expect([...simulator.counts.keys()].sort()).to.include.members([
        'agreement',
        'client',
        'conversion',
        'document',
        'failed_payment',
        'invoice',
        'lead',
        'payment',
      ]);
      // A conversion changes the client and appends its history in one transaction.
      const mismatched = await sql<{ n: number }>`
        SELECT COUNT(*) AS n FROM dbo."Client" c
        WHERE c."StatusID" <> COALESCE((SELECT h."StatusID" FROM dbo."ClientStatusHistory" h
          WHERE h."ClientStatusHistoryID" = (SELECT MAX(h2."ClientStatusHistoryID") FROM dbo."ClientStatusHistory" h2 WHERE h2."ClientID" = c."ClientID")), c."StatusID")`.execute(
        suite.db.db,
      );
      expect(Number(mismatched.rows[0]?.n)).to.equal(0);
    });

    it('runs on a timer and stops promptly', async () => {
      const simulator = new CrmSimulator(suite.db, { eventsPerSecond: 200, timezone: 'UTC', random: seeded(11) }, silentLogger());
      await simulator.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await simulator.stop();
      const done = [...simulator.counts.values()].reduce((a, b) => a + b, 0);
      expect(done).to.be.greaterThan(0);
      const settled = [...simulator.counts.values()].reduce((a, b) => a + b, 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([...simulator.counts.values()].reduce((a, b) => a + b, 0)).to.equal(settled);
    });
  },
  { demoCrm: true },
);

async function counts(suite: { db: { db: import('../../src/db/dialect.js').Db } }) {
  const count = async (
    table: 'dbo.Client' | 'dbo.ClientStatusHistory' | 'dbo.Invoice' | 'dbo.InvoicePayment' | 'dbo.ClientDoc' | 'dbo.AgreementSigned',
  ) =>
    Number(
      (
        await suite.db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    clients: await count('dbo.Client'),
    history: await count('dbo.ClientStatusHistory'),
    invoices: await count('dbo.Invoice'),
    payments: await count('dbo.InvoicePayment'),
    documents: await count('dbo.ClientDoc'),
    agreements: await count('dbo.AgreementSigned'),
  };
}
