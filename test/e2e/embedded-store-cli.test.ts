import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCli, startCli, type RunningCli } from '../support/cli.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A newcomer's second shell while `npm start` runs, and a service killed at any moment. */
describe('the embedded store between processes', function () {
  this.timeout(300_000);
  let dir: string;
  let config: string;
  let service: RunningCli | undefined;
  /** A data folder one service made, seeded and stopped cleanly: each kill case starts from a copy. */
  let stoppedStore: string | undefined;

  function newFolder(): { dir: string; config: string } {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'outbox-embedded-cli-'));
    const file = path.join(folder, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ store: { url: `pglite:${path.join(folder, 'data', 'store')}` }, http: { port: 0 }, demo: { eventsPerSecond: 20 } }),
    );
    return { dir: folder, config: file };
  }

  beforeEach(() => {
    ({ dir, config } = newFolder());
  });

  after(() => stoppedStore && rmSync(path.dirname(path.dirname(stoppedStore)), { recursive: true, force: true }));

  afterEach(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets keys, status, doctor and deliveries commands work while the service runs, and refuses a second service', async () => {
    service = startCli(['run', '--demo', '--config', config]);
    const [, address] = await service.waitFor(/HTTP server listening on (http:\/\/\S+)/, 120_000);
    await service.waitFor(/next: subscribe a webhook/, 30_000);
    expect(service.output()).to.contain(
      `next: in another shell, create an API key: outbox keys create --name me --scopes admin --config ${config}`,
    );
    expect(service.output()).to.contain(`the OpenAPI document is ${address}/api/v1/openapi.json`);

    const key = await runCli(['keys', 'create', '--name', 'newcomer', '--scopes', 'admin', '--json', '--config', config]);
    expect(key.code, key.stderr).to.equal(0);
    const { key: token } = JSON.parse(key.stdout) as { key: string };
    const events = await fetch(`${address}/api/v1/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(events.status, 'the running service accepts the key made beside it').to.equal(200);

    const status = await runCli(['status', '--json', '--config', config]);
    expect(status.code, status.stderr).to.equal(0);
    expect(JSON.parse(status.stdout).schema.pending).to.deep.equal([]);

    const doctor = await runCli(['doctor', '--config', config]);
    expect(doctor.stdout + doctor.stderr).not.to.match(/Aborted|host and port|PANIC/);
    expect(doctor.stdout).to.match(/ok\s+store connection/);

    const resend = await runCli(['deliveries', 'resend', '999999', '--config', config]);
    expect(resend.stderr).to.match(/999999/);
    expect(resend.stderr).not.to.match(/Aborted|PANIC/);

    const second = await runCli(['run', '--config', config]);
    expect(second.code).to.equal(3);
    const pid = service.child.pid;
    expect(second.stderr).to.match(new RegExp(`already open in process ${pid} \\(outbox run --demo`));
    expect(second.stderr).to.match(/stop that one first \(Ctrl-C in its terminal, or kill \d+\)/);

    service.child.kill('SIGINT');
    expect(await service.exited).to.equal(0);
    const after = await runCli(['status', '--json', '--config', config]);
    expect(after.code, after.stderr).to.equal(0);
  });

  // Moments: while the store is first made, while migrating and seeding, while serving, while stopping.
  for (const moment of ['creating', 'starting', 'running', 'stopping'] as const) {
    it(`opens again after the service is killed with SIGKILL while ${moment}`, async () => {
      if (moment !== 'creating') {
        // The first life is the same for every case: made once, its folder copied (a start costs seconds).
        if (!stoppedStore) {
          const made = newFolder();
          const first = startCli(['run', '--demo', '--config', made.config]);
          await first.waitFor(/service running/, 120_000);
          first.child.kill('SIGINT');
          expect(await first.exited).to.equal(0);
          stoppedStore = path.join(made.dir, 'data', 'store');
        }
        cpSync(stoppedStore, path.join(dir, 'data', 'store'), { recursive: true });
      }
      service = startCli(['run', '--demo', '--config', config]);
      if (moment === 'creating') await service.waitFor(/./, 120_000).catch(() => undefined);
      if (moment === 'starting') await service.waitFor(/store schema at version/, 120_000);
      if (moment === 'running') {
        await service.waitFor(/service running/, 120_000);
        await pause(1500);
      }
      if (moment === 'stopping') {
        await service.waitFor(/service running/, 120_000);
        service.child.kill('SIGINT');
        await service.waitFor(/stopping/, 30_000);
      }
      service.child.kill('SIGKILL');
      await service.exited;

      const status = await runCli(['status', '--json', '--config', config]);
      expect(status.stderr).not.to.match(/Aborted|PANIC|checkpoint/);
      expect(status.code, status.stderr).to.be.oneOf(moment === 'creating' ? [0, 4] : [0]);
      const again = startCli(['run', '--demo', '--config', config]);
      service = again;
      await again.waitFor(/service running/, 120_000);
      again.child.kill('SIGTERM');
      expect(await again.exited).to.equal(0);
    });
  }
});
