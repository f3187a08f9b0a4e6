import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The server install path the README gives: a packed tarball, installed globally, run on Node 22. */
describe('the packaged install (npm pack, npm install -g)', function () {
  this.timeout(600_000);
  let dir: string;
  let prefix: string;
  let outbox: string;

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-pack-'));
    prefix = path.join(dir, 'prefix');
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(dir).find((name) => /^crm-outbox-.*\.tgz$/.test(name));
    expect(tarball, 'npm pack wrote the tarball').to.be.a('string');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', path.join(dir, tarball!)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    outbox = path.join(prefix, 'bin', 'outbox');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  // This test process runs on Node 22: put that node first on PATH, as a server with Node 22 has it.
  const env = () => ({ ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}` });

  it('installs an outbox command that runs on Node 22 from the tarball alone', () => {
    const version = spawnSync(outbox, ['--version'], { env: env(), encoding: 'utf8' });
    expect(version.status, version.stderr).to.equal(0);
    expect(version.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
    const printed = spawnSync(outbox, ['migrate', '--print', '--all', '--dialect', 'mssql'], { env: env(), encoding: 'utf8' });
    expect(printed.status, printed.stderr).to.equal(0);
    expect(printed.stdout).to.match(/CREATE TABLE integration\.OutboxEvent/i);
  });

  it('writes a systemd unit that runs the installed command, and says how to create a missing service account', () => {
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ store: { url: 'pglite:memory' } }));
    const account = `nosuch${process.pid}`;
    const unit = spawnSync(outbox, ['service', 'install', '--print', '--config', config, '--user', account], {
      env: env(),
      encoding: 'utf8',
    });
    expect(unit.status, unit.stderr).to.equal(0);
    const installed = path.join(prefix, 'lib', 'node_modules', 'crm-outbox');
    expect(unit.stdout).to.contain(`ExecStart=${process.execPath} ${installed}/dist/src/cli/main.js run --config ${config}`);
    expect(unit.stderr).to.contain(`the service account '${account}' does not exist: create it with 'sudo useradd --system`);
  });
});
