import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { runCli, startCli } from '../support/cli.js';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../support/databases.js';

/** The rights sql/README.md lists for the service login on PostgreSQL, word for word. */
const README_GRANTS = `GRANT USAGE ON SCHEMA dbo, api TO outbox_svc;
GRANT SELECT ON dbo."ClientStatus", dbo."TeamRole", dbo."Employee", dbo."Client", dbo."ClientStatusHistory",
  dbo."Invoice", dbo."InvoicePayment", api."vwInvoiceDetails", dbo."DocType", dbo."ClientDoc",
  dbo."AgreementTerms", dbo."AgreementSigned" TO outbox_svc;
GRANT USAGE ON SCHEMA integration TO outbox_svc;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA integration TO outbox_svc;`;

describe('a least-privilege service login [postgres]', function () {
  this.timeout(180_000);
  let testDb: TestDatabase;
  let role: string;
  let loginUrl: string;

  before(async function () {
    if (!TEST_DIALECTS.includes('postgres')) {
      console.log('      skipped: OUTBOX_TEST_DIALECTS does not include postgres');
      this.skip();
    }
    testDb = await createTestDatabase('postgres');
    const admin = await openDatabase(parseDatabaseUrl(testDb.url), { role: 'store', connectTimeoutMs: 10_000, poolMax: 2 });
    try {
      await migrate(admin, silentLogger());
      await ensureDemoCrm(admin);
    } finally {
      await admin.close();
    }
    role = `outbox_svc_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(9).toString('hex');
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await client.query(README_GRANTS.replaceAll('outbox_svc', role));
    } finally {
      await client.end();
    }
    const url = new URL(testDb.url);
    url.username = role;
    url.password = password;
    loginUrl = url.toString();
  });

  after(async () => {
    await testDb?.drop();
    if (role) {
      const client = new pg.Client({
        connectionString: process.env['OUTBOX_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await client.connect();
      await client.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await client.end();
    }
  });

  it('starts the service with no migration pending (no DDL), and doctor passes the same rights', async () => {
    const env = { OUTBOX_STORE_URL: loginUrl, OUTBOX_HTTP_PORT: '0' };
    const service = startCli(['run'], env);
    try {
      await service.waitFor(/service running/, 120_000);
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited, service.output()).to.equal(0);
    expect(service.output()).not.to.match(/permission denied/);

    const doctor = await runCli(['doctor'], env);
    expect(doctor.stdout).to.match(/ok\s+store rights/);
    expect(doctor.stdout).to.match(/ok\s+source rights/);
    expect(doctor.stdout).to.match(/ok\s+store schema/);
  });
});
