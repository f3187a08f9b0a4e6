import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { validateConfig } from '../../src/config/load.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { sql } from 'kysely';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { runDoctor, STORE_RIGHTS } from '../../src/doctor/checks.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, MSSQL_URL, TEST_DIALECTS, type TestDatabase } from '../support/databases.js';

const byName = (results: { name: string; ok: boolean; detail: string; fix?: string }[], name: string) => {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no check named ${name}: ${results.map((r) => r.name).join(', ')}`);
  return found;
};

for (const kind of TEST_DIALECTS) {
  describe(`outbox doctor [${kind}]`, function () {
    this.timeout(60_000);
    let url: string;
    let testDb: TestDatabase | undefined;
    let dir: string | undefined;
    let receiver: http.Server;
    let receiverUrl: string;
    let closedUrl: string;
    let connections = 0;

    before(async function () {
      if (kind === 'mssql' && !MSSQL_URL) {
        console.log('      SQL Server suite skipped: OUTBOX_TEST_MSSQL_URL is not set (outbox doctor)');
        this.skip();
      }
      if (kind !== 'pglite') {
        testDb = await createTestDatabase(kind);
        url = testDb.url;
      } else {
        dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-doctor-'));
        url = `pglite:${dir}`;
      }
      const db = await openDatabase(parseDatabaseUrl(url), { role: 'store', connectTimeoutMs: 10_000, poolMax: 2 });
      await migrate(db, silentLogger());
      await ensureDemoCrm(db);
      receiver = http.createServer((_req, res) => res.writeHead(204).end());
      receiver.on('connection', () => (connections += 1));
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await db.dialect.insertReturningId(
        db.db,
        'integration.WebhookSubscription',
        { Url: receiverUrl, EventTypes: '*', Secret: 'whsec_x' },
        'SubscriptionId',
      );
      // A port that was just free: nothing listens there now.
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/closed`;
      await new Promise((resolve) => closed.close(resolve));
      await db.dialect.insertReturningId(
        db.db,
        'integration.WebhookSubscription',
        { Url: closedUrl, EventTypes: '*', Secret: 'whsec_y' },
        'SubscriptionId',
      );
      await db.close();
    });

    after(async () => {
      if (receiver) await new Promise((resolve) => receiver.close(resolve));
      await testDb?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('passes every check of a good install, and names the unreachable subscription', async () => {
      const results = await runDoctor(validateConfig({ store: { url } }));
      expect(byName(results, 'store connection')).to.include({ ok: true });
      expect(byName(results, 'store connection').detail).to.match(kind === 'mssql' ? /SQL Server/ : /PostgreSQL/);
      expect(byName(results, 'store schema')).to.include({ ok: true });
      expect(byName(results, 'store rights')).to.include({ ok: true });
      expect(byName(results, 'source rights')).to.include({ ok: true });
      expect(byName(results, 'clock skew')).to.include({ ok: true });
      expect(byName(results, 'source time zone')).to.include({ ok: true });
      expect(byName(results, 'subscription 1')).to.include({ ok: true });
      expect(byName(results, 'subscription 1').detail).to.match(/answered HTTP 204/);
      expect(byName(results, 'subscription 2')).to.include({ ok: false });
      expect(byName(results, 'subscription 2').detail).to.match(/ECONNREFUSED/);
    });

    it('probes through the SSRF guard: in production nothing connects to loopback, by address or by a re-pointed name', async () => {
      const port = (receiver.address() as AddressInfo).port;
      const db = await openDatabase(parseDatabaseUrl(url), { role: 'store', connectTimeoutMs: 10_000, poolMax: 1 });
      const added: number[] = [];
      try {
        for (const target of [`https://127.0.0.1:${port}/hook`, `https://rebind.example.com:${port}/hook`]) {
          added.push(
            await db.dialect.insertReturningId(
              db.db,
              'integration.WebhookSubscription',
              { Url: target, EventTypes: '*', Secret: 'whsec_z' },
              'SubscriptionId',
            ),
          );
        }
      } finally {
        await db.close();
      }
      const before = connections;
      // The name was public when it subscribed; it points at this machine now.
      const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
      try {
        const results = await runDoctor(validateConfig({ env: 'production', store: { url } }), { lookup });
        expect(connections).to.equal(before);
        expect(byName(results, 'subscription 1')).to.include({ ok: false });
        expect(byName(results, 'subscription 1').detail).to.match(/must use https in production/);
        expect(byName(results, `subscription ${added[0]}`).detail).to.match(/ssrf_blocked: 127\.0\.0\.1 is a loopback address/);
        expect(byName(results, `subscription ${added[1]}`).detail).to.match(
          /ssrf_blocked: rebind\.example\.com resolves to a loopback address/,
        );
      } finally {
        const again = await openDatabase(parseDatabaseUrl(url), { role: 'store', connectTimeoutMs: 10_000, poolMax: 1 });
        await again.db.deleteFrom('integration.WebhookSubscription').where('SubscriptionId', 'in', added).execute();
        await again.close();
      }
    });

    it('fails a time zone that does not match the CRM server, with the fix', async () => {
      const results = await runDoctor(validateConfig({ store: { url }, source: { timezone: 'Pacific/Kiritimati' } }), {
        probeUrl: async () => 200,
      });
      const zone = byName(results, 'source time zone');
      expect(zone.ok).to.equal(false);
      expect(zone.detail).to.match(/840 minutes off|-840 minutes off/);
      // The server runs in UTC: the fix names zones at UTC+00:00 now, never the one configured.
      expect(zone.fix).to.match(/its clock reads UTC\+00:00 now, e\.g\. \w+\/\w+/);
      expect(zone.fix).not.to.contain('Kiritimati');
    });

    it('checks every table outbox run works, the migration log included', async () => {
      const results = await runDoctor(validateConfig({ store: { url } }), { probeUrl: async () => 200 });
      // Every table of the store's types: the migration log read, the others worked.
      expect(byName(results, 'store rights').detail).to.equal('SELECT on 1 object; SELECT, INSERT, UPDATE, DELETE on 11 objects');
      expect(byName(results, 'source rights').detail).to.equal('SELECT on 12 objects');
    });

    // PGlite has one user, who holds every right: nothing to revoke there.
    if (kind !== 'pglite')
      it('names the table and right that is missing, for every store table (AdminSession included)', async () => {
        const login = `outbox_doctor_${process.pid}`;
        const admin = await openDatabase(parseDatabaseUrl(url), { role: 'test-admin', connectTimeoutMs: 10_000, poolMax: 1 });
        try {
          await grantAllButAdminSessionDelete(admin, kind, login);
          const limited = kind === 'mssql' ? withLogin(url, login, 'Doctor-pw-1') : withLogin(url, login, '');
          const results = await runDoctor(validateConfig({ store: { url: limited } }), { probeUrl: async () => 200 });
          expect(byName(results, 'store rights')).to.deep.include({ ok: false, detail: 'missing DELETE on integration.AdminSession' });
        } finally {
          await dropLogin(admin, kind, login);
          await admin.close();
        }
      });

    it(
      kind === 'mssql'
        ? 'reports the compatibility level and READ_COMMITTED_SNAPSHOT'
        : 'has no compatibility level or snapshot setting to report',
      async () => {
        const results = await runDoctor(validateConfig({ store: { url } }), { probeUrl: async () => 200 });
        const names = results.map((r) => r.name);
        if (kind !== 'mssql') {
          expect(names).not.to.include('store compatibility level');
          return;
        }
        expect(byName(results, 'store compatibility level')).to.include({ ok: true });
        expect(byName(results, 'store compatibility level').detail).to.match(/^database outbox_test_\w+ (is at|reports) level \d{3}/);
        expect(byName(results, 'store row versioning').detail).to.match(
          /READ_COMMITTED_SNAPSHOT (ON|OFF) in outbox_test_\w+.*polling cursor|cursor/,
        );
      },
    );

    it('exits 1 from the command line when a check fails, one line per check', async () => {
      const result = await runCli(['doctor'], { OUTBOX_STORE_URL: url });
      expect(result.code, result.stderr).to.equal(1);
      const lines = result.stdout.split('\n').filter((line) => /^(ok|warn|FAIL)\s/.test(line));
      expect(lines.length).to.be.greaterThan(6);
      expect(result.stdout).to.match(new RegExp(`${closedUrl}: refused: .*ECONNREFUSED.*\\n      fix: `));
      expect(result.stdout).to.match(/^FAIL\s+subscription 2 /m);
    });
  });
}

describe('outbox doctor before outbox migrate [pglite]', function () {
  this.timeout(60_000);
  it('says to run outbox migrate rather than listing rights on tables that do not exist yet', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-doctor-new-'));
    try {
      const result = await runCli(['doctor'], { OUTBOX_STORE_URL: `pglite:${path.join(dir, 'store')}` });
      expect(result.stdout).to.match(/^FAIL\s+store schema\s+the integration schema does not exist yet/m);
      expect(result.stdout).to.match(/fix: run 'outbox migrate'/);
      expect(result.stdout).to.match(/^ok\s+store rights\s+not checked table by table until the schema exists/m);
      expect(result.stdout).not.to.match(/store rights\s+missing/);
      // No CRM in this database yet: the objects are missing, which no GRANT fixes.
      expect(result.stdout).to.match(/^FAIL\s+source objects\s+dbo\.\w+, .* do not exist in this database/m);
      expect(result.stdout).to.match(/fix: point source\.url at the CRM database/);
      expect(result.stdout).not.to.match(/source rights\s+missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outbox doctor on a broken configuration', function () {
  this.timeout(60_000);
  it('reports the connection failure with a fix and exits 1', async () => {
    const result = await runCli(['doctor'], { OUTBOX_STORE_URL: 'postgres://outbox:s3cret@127.0.0.1:1/crm' });
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(
      /^FAIL\s+store connection\s+store database postgres:\/\/outbox@127\.0\.0\.1:1\/crm: connection refused/m,
    );
    expect(result.stdout).to.match(/fix: check store\.url/);
    expect(result.stdout + result.stderr).not.to.contain('s3cret');
  });
});

/** The URL with another login (and password) in place of the test's. */
function withLogin(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

/** A login holding every right `outbox run` needs but DELETE on integration.AdminSession. */
async function grantAllButAdminSessionDelete(admin: Database, kind: string, login: string): Promise<void> {
  if (kind === 'mssql') {
    await sql.raw(`CREATE LOGIN ${login} WITH PASSWORD = 'Doctor-pw-1'`).execute(admin.db);
    await sql.raw(`CREATE USER ${login} FOR LOGIN ${login}`).execute(admin.db);
    // Table by table rather than DENY, which Babelfish does not run.
    for (const [table, rights] of Object.entries(STORE_RIGHTS)) {
      const granted = table === 'integration.AdminSession' ? rights.filter((right) => right !== 'DELETE') : rights;
      await sql.raw(`GRANT ${granted.join(', ')} ON ${table} TO ${login}`).execute(admin.db);
    }
    return;
  }
  await sql.raw(`CREATE ROLE ${login} LOGIN`).execute(admin.db);
  await sql.raw(`GRANT USAGE ON SCHEMA integration, dbo, api TO ${login}`).execute(admin.db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA integration TO ${login}`).execute(admin.db);
  await sql.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA dbo, api TO ${login}`).execute(admin.db);
  await sql.raw(`REVOKE DELETE ON integration."AdminSession" FROM ${login}`).execute(admin.db);
}

async function dropLogin(admin: Database, kind: string, login: string): Promise<void> {
  if (kind === 'mssql') {
    await sql
      .raw(`DROP USER IF EXISTS ${login}`)
      .execute(admin.db)
      .catch(() => undefined);
    await sql
      .raw(`DROP LOGIN ${login}`)
      .execute(admin.db)
      .catch(() => undefined);
    return;
  }
  await sql
    .raw(`DROP OWNED BY ${login}`)
    .execute(admin.db)
    .catch(() => undefined);
  await sql
    .raw(`DROP ROLE IF EXISTS ${login}`)
    .execute(admin.db)
    .catch(() => undefined);
}
