import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runCli, startCli } from '../support/cli.js';

function expectOneCleanLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).to.have.length(1);
  expect(stderr).not.to.match(/\n\s+at /);
  expect(lines[0]).to.match(/^error: /);
}

describe('the outbox command', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('run --demo on the embedded database', () => {
    it('serves, fills the demo CRM, stops on SIGINT with exit 0, and reuses its data the second time', async () => {
      const config = path.join(dir, 'demo.json');
      writeFileSync(
        config,
        JSON.stringify({ store: { url: `pglite:${path.join(dir, 'store')}` }, http: { port: 0 }, demo: { eventsPerSecond: 50 } }),
      );

      const first = startCli(['run', '--demo', '--config', config]);
      const [, address] = await first.waitFor(/HTTP server listening on (http:\/\/\S+)/);
      const health = await fetch(`${address}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.include({ status: 'ok' });
      expect(first.output()).to.match(/applied migration 0001_integration_schema/);
      expect(first.output()).to.match(/created the demo CRM/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      first.child.kill('SIGINT');
      expect(await first.exited).to.equal(0);
      expect(first.output()).to.match(/service stopped/);

      const second = startCli(['run', '--demo', '--config', config]);
      await second.waitFor(/HTTP server listening on/);
      expect(second.output()).not.to.match(/applied migration|created the demo CRM/);
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);

      const status = await runCli(['status', '--json', '--config', config]);
      expect(status.code, status.stderr).to.equal(0);
      expect(JSON.parse(status.stdout).schema.pending).to.deep.equal([]);
    });

    it('refuses --demo against a configured CRM, with exit code 2', async () => {
      const result = await runCli(['run', '--demo'], {
        OUTBOX_STORE_URL: 'pglite:memory',
        OUTBOX_SOURCE_URL: 'postgres://crm@127.0.0.1:5432/crm',
      });
      expect(result.code).to.equal(2);
      expectOneCleanLine(result.stderr);
      expect(result.stderr).to.match(/--demo .* only when source\.url is not set/);
    });
  });

  describe('errors an operator can act on', () => {
    it('exits 2 with one line naming the key for a bad configuration', async () => {
      const result = await runCli(['status'], { OUTBOX_SOURCE_TIMEZONE: 'Eastern' });
      expect(result.code).to.equal(2);
      expectOneCleanLine(result.stderr);
      expect(result.stderr).to.match(/source\.timezone \(OUTBOX_SOURCE_TIMEZONE or the config file\) is not an IANA time zone/);
    });

    it('exits 2 for an unknown config key and for a misspelt flag', async () => {
      const config = path.join(dir, 'typo.json');
      writeFileSync(config, JSON.stringify({ htpp: { port: 1 } }));
      const typo = await runCli(['status', '--config', config]);
      expect(typo.code).to.equal(2);
      expectOneCleanLine(typo.stderr);
      expect(typo.stderr).to.match(/unknown key htpp/);
      const flag = await runCli(['migrate', '--prnt']);
      expect(flag.code).to.equal(2);
    });

    it('exits 3 with one line, and no password, when the database cannot be reached', async () => {
      const result = await runCli(['status'], { OUTBOX_STORE_URL: 'postgres://outbox:s3cret@127.0.0.1:1/crm' });
      expect(result.code).to.equal(3);
      expectOneCleanLine(result.stderr);
      expect(result.stderr).to.match(/store database postgres:\/\/outbox@127\.0\.0\.1:1\/crm: connection refused/);
      expect(result.stderr).not.to.contain('s3cret');
    });

    it('exits 3 for a database that does not exist', async () => {
      const result = await runCli(['migrate'], { OUTBOX_STORE_URL: 'postgres://postgres@127.0.0.1:5432/outbox_no_such_db' });
      expect(result.code).to.equal(3);
      expectOneCleanLine(result.stderr);
      expect(result.stderr).to.match(/database does not exist/);
    });

    it('exits 4 naming outbox migrate when a command needs tables the store does not have yet', async () => {
      for (const args of [
        ['keys', 'list'],
        ['deliveries', 'resend', '1'],
      ]) {
        const result = await runCli(args, { OUTBOX_STORE_URL: 'pglite:memory' });
        expect(result.code, args.join(' ')).to.equal(4);
        expectOneCleanLine(result.stderr);
        expect(result.stderr).to.match(/store schema is at version 0 .* run 'outbox migrate'/);
      }
    });

    it('prints help for every command', async () => {
      for (const args of [['--help'], ['run', '--help'], ['migrate', '--help'], ['status', '--help']]) {
        const result = await runCli(args);
        expect(result.code, args.join(' ')).to.equal(0);
        expect(result.stdout).to.match(/Usage: outbox/);
      }
    });
  });

  describe('migrate on a PostgreSQL server', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase('postgres');
    });
    after(async () => db?.drop());

    it('refuses to start without DDL rights on an empty store, then migrates once, then has nothing to do', async () => {
      const env = { OUTBOX_STORE_URL: db.url };
      const noMigrate = await runCli(['run', '--no-migrate'], env);
      expect(noMigrate.code).to.equal(4);
      expectOneCleanLine(noMigrate.stderr);
      expect(noMigrate.stderr).to.match(/store schema is at version 0 .* run 'outbox migrate'/);

      const printed = await runCli(['migrate', '--print'], env);
      expect(printed.code).to.equal(0);
      expect(printed.stdout).to.match(/^BEGIN;$/m);
      expect(printed.stdout).to.match(/CREATE TABLE integration\."OutboxEvent"/);

      const first = await runCli(['migrate'], env);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.match(/applied migration 0001_integration_schema/);
      const second = await runCli(['migrate'], env);
      expect(second.code).to.equal(0);
      expect(second.stdout).to.match(/nothing to apply/);
      expect(second.stdout).not.to.match(/applied migration/);
      const none = await runCli(['migrate', '--print'], env);
      expect(none.stdout).to.match(/nothing to apply/);
    });

    it('prints the whole T-SQL script for a DBA without connecting', async () => {
      const result = await runCli(['migrate', '--print', '--all', '--dialect', 'mssql'], {
        OUTBOX_STORE_URL: 'mssql://u:p@127.0.0.1:1/crm',
      });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/sp_getapplock @Resource = N'outbox:migrate'/);
      expect(result.stdout).to.match(/^GO$/m);
      expect(result.stdout).to.match(/CREATE TABLE integration\.OutboxEvent/);
      expect(result.stdout).to.match(
        /INSERT INTO integration\.SchemaMigration \(Version, Name, Checksum\) VALUES \(1, N'integration_schema', '[0-9a-f]{64}'\);/,
      );
    });
  });
});
