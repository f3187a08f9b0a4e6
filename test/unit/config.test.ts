import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describeTarget, parseDatabaseUrl, redactSecrets } from '../../src/config/database-url.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';

function loadError(env: Record<string, string>, file?: string): string {
  try {
    loadConfig({ env, file });
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the embedded defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.store.url).to.equal('pglite:./data/store');
    expect(config.source).to.include({ url: null, timezone: 'UTC' });
    expect(config.http).to.deep.equal({ host: '127.0.0.1', port: 8080, publicUrl: null });
    expect(config.env).to.equal('development');
  });

  it('lets environment variables override the file', () => {
    const file = path.join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ companyId: 5, http: { port: 9000 }, source: { timezone: 'Europe/London' } }));
    const config = loadConfig({
      file,
      env: {
        OUTBOX_HTTP_PORT: '9100',
        OUTBOX_COMPANY_ID: '92',
        OUTBOX_SOURCE_TIMEZONE: 'America/New_York',
        OUTBOX_ENV: 'production',
        OUTBOX_LOG_LEVEL: 'debug',
      },
    });
    expect(config.http.port).to.equal(9100);
    expect(config.companyId).to.equal(92);
    expect(config.source.timezone).to.equal('America/New_York');
    expect(config.env).to.equal('production');
    expect(config.log.level).to.equal('debug');
  });

  it('names an unknown key, wherever it is', () => {
    const file = path.join(dir, 'b.json');
    writeFileSync(file, JSON.stringify({ store: { url: 'pglite:memory', pool: 3 } }));
    expect(loadError({}, file)).to.equal('config: unknown key store.pool; check the spelling against config/default.json');
  });

  it('names a bad time zone, where it came from, and gives examples', () => {
    expect(loadError({ OUTBOX_SOURCE_TIMEZONE: 'Mars/Olympus' })).to.match(
      /^config: source\.timezone \(OUTBOX_SOURCE_TIMEZONE or the config file\) is not an IANA time zone; expected e\.g\. UTC, America\/New_York.*got "Mars\/Olympus"$/,
    );
  });

  it('refuses a bad database URL without ever showing its password', () => {
    const message = loadError({ OUTBOX_STORE_URL: 'mysql://admin:hunter2@db/crm' });
    expect(message).to.match(
      /^config: store\.url \(OUTBOX_STORE_URL or the config file\) is not a database URL this service understands; expected e\.g\. pglite:/,
    );
    expect(message).not.to.contain('hunter2');
    expect(loadError({ OUTBOX_SOURCE_URL: 'Server=db;User Id=sa;Password=hunter2' })).not.to.contain('hunter2');
  });

  it('shows no piece of a password that was not URL-encoded', () => {
    for (const password of ['hun@ter2', 'hun/ter2', 'hun ter2', 'hun"ter2', 'hun:ter2@x']) {
      for (const scheme of ['postgres', 'mssql', 'mysql']) {
        // No database name: refused whether or not the password makes the URL unreadable.
        const message = loadError({ OUTBOX_STORE_URL: `${scheme}://root:${password}@db.example/` });
        expect(message, `${scheme} ${password}`).to.match(/^config: store\.url /);
        expect(message, `${scheme} ${password}`).not.to.match(/hun|ter2/);
      }
      const logged = redactSecrets(`connect postgres://root:${password}@db.example:5432/crm failed`);
      expect(logged).to.equal('connect postgres://root:***@db.example:5432/crm failed');
    }
  });

  it('refuses a port that is not a number and an unknown environment', () => {
    expect(loadError({ OUTBOX_HTTP_PORT: 'eighty' })).to.match(/^config: http\.port .* must be (a )?number/);
    expect(loadError({ OUTBOX_ENV: 'staging' })).to.match(/^config: env .* must be one of "development", "production"/);
  });

  it('reports a config file that is not JSON, naming the file', () => {
    const file = path.join(dir, 'c.json');
    writeFileSync(file, '{ "store": ');
    expect(loadError({}, file)).to.match(/^config file .*c\.json: is not valid JSON/);
    expect(loadError({}, path.join(dir, 'missing.json'))).to.match(/cannot be read \(ENOENT\)/);
  });
});

describe('database URLs', () => {
  it('reads the embedded forms', () => {
    expect(parseDatabaseUrl('pglite:memory')).to.deep.equal({ kind: 'pglite', dataDir: null });
    expect(parseDatabaseUrl('pglite:./data/store')).to.deep.equal({ kind: 'pglite', dataDir: './data/store' });
  });

  it('reads PostgreSQL URLs', () => {
    expect(parseDatabaseUrl('postgres://app:pw@db.internal:6432/crm')).to.include({
      kind: 'postgres',
      host: 'db.internal',
      port: 6432,
      database: 'crm',
      user: 'app',
    });
  });

  it('reads mssql:// URLs, encrypting by default', () => {
    expect(parseDatabaseUrl('mssql://outbox:p%40ss@sql01:1433/CRM?trustServerCertificate=true')).to.deep.equal({
      kind: 'mssql',
      server: 'sql01',
      port: 1433,
      instanceName: null,
      database: 'CRM',
      user: 'outbox',
      password: 'p@ss',
      encrypt: true,
      trustServerCertificate: true,
    });
  });

  it('reads the ADO.NET connection strings SQL Server DBAs already have', () => {
    expect(parseDatabaseUrl('Server=tcp:sql01,1444;Database=CRM;User Id=outbox;Password="a;b";Encrypt=False')).to.deep.equal({
      kind: 'mssql',
      server: 'sql01',
      port: 1444,
      instanceName: null,
      database: 'CRM',
      user: 'outbox',
      password: 'a;b',
      encrypt: false,
      trustServerCertificate: false,
    });
    expect(parseDatabaseUrl('Data Source=SQL01\\CRMPROD;Initial Catalog=CRM;User ID=u;Password=p')).to.include({
      server: 'SQL01',
      instanceName: 'CRMPROD',
      port: null,
    });
  });

  it('says what is missing from an incomplete URL', () => {
    expect(() => parseDatabaseUrl('mssql://u:p@sql01:1433')).to.throw(/has no database name/);
    expect(() => parseDatabaseUrl('Server=sql01;User Id=u;Password=p')).to.throw(/has no Database=/);
    expect(() => parseDatabaseUrl('Server=sql01;Database=x;Integrated Security=SSPI')).to.throw(/Integrated Security/);
  });

  it('describes targets and redacts credentials for logs', () => {
    expect(describeTarget(parseDatabaseUrl('mssql://outbox:secret@sql01:1433/CRM'))).to.equal('mssql://outbox@sql01:1433/CRM');
    expect(redactSecrets('connect postgres://app:secret@db/crm failed')).to.equal('connect postgres://app:***@db/crm failed');
    expect(redactSecrets('Server=db;User Id=u;Password=secret;Encrypt=true')).to.equal('Server=db;User Id=u;Password=***;Encrypt=true');
  });
});
