import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderSystemdUnit } from '../../src/cli/install/systemd-unit.js';
import { runCli } from '../support/cli.js';

const values = {
  installDir: '/opt/outbox',
  node: process.execPath,
  config: '/etc/outbox/config.json',
  user: 'outbox',
  shutdownTimeoutMs: 10_000,
};

describe('the systemd unit', () => {
  it('runs the service as its own user, restarts on failure and stops with SIGTERM after the shutdown limit', () => {
    const unit = renderSystemdUnit(values);
    expect(unit).not.to.match(/\{\{/);
    expect(unit).to.match(/^User=outbox$/m);
    expect(unit).to.match(/^Restart=on-failure$/m);
    expect(unit).to.match(/^KillSignal=SIGTERM$/m);
    expect(unit).to.match(/^TimeoutStopSec=15$/m);
    expect(unit).to.match(/^RestartPreventExitStatus=2$/m);
    expect(unit).to.contain(`ExecStart=${process.execPath} /opt/outbox/dist/src/cli/main.js run --config /etc/outbox/config.json`);
  });

  it('passes systemd-analyze verify', function () {
    const available = spawnSync('systemd-analyze', ['--version']).status === 0;
    if (!available) {
      console.log('      systemd-analyze is not installed here: unit verification skipped');
      this.skip();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-unit-'));
    try {
      const file = path.join(dir, 'outbox.service');
      writeFileSync(file, renderSystemdUnit(values));
      // verify exits non-zero on errors in the unit; warnings about the host (no such user) are printed only.
      execFileSync('systemd-analyze', ['verify', file], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is printed by `outbox service install --print` with this installation filled in', async function () {
    this.timeout(30_000);
    const result = await runCli(['service', 'install', '--print', '--config', 'config/default.json']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^ExecStart=.*\/dist\/src\/cli\/main\.js run --config \/.*config\/default\.json$/m);
    const refused = await runCli(['service', 'install', '--print']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/give --config FILE/);
  });
});
