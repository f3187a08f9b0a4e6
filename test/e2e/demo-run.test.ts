import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EVENT_TYPES } from '../../src/outbox/event-types.js';
import { type RunningCli, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, MSSQL_URL, TEST_DIALECTS, type TestDatabase } from '../support/databases.js';
import { Receiver } from '../support/receiver.js';

/** Polls until `done` holds, failing with what `describe` says was still missing. */
async function until(done: () => Promise<boolean> | boolean, describe: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const missing = (seen: Set<string>) => EVENT_TYPES.filter((type) => !seen.has(type));

// `outbox run --demo` with the store (and so the demo CRM) on a database server, as a user tries
// it: every event type of the catalog is captured, delivered to a webhook and served by the API.
for (const dialect of TEST_DIALECTS.filter((name) => name !== 'pglite')) {
  describe(`outbox run --demo on a ${dialect} server`, function () {
    this.timeout(180_000);
    let dir: string;
    let database: TestDatabase | undefined;
    let receiver: Receiver | undefined;
    let service: RunningCli | undefined;

    before(async function () {
      if (dialect === 'mssql' && !MSSQL_URL) {
        console.log('      SQL Server demo skipped: OUTBOX_TEST_MSSQL_URL is not set');
        this.skip();
      }
      dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-demo-'));
      database = await createTestDatabase(dialect);
      receiver = await Receiver.start();
    });

    after(async () => {
      if (service && service.child.exitCode === null) {
        service.child.kill('SIGKILL');
        await service.exited;
      }
      await receiver?.close();
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('captures, delivers and serves all ten event types', async () => {
      const config = path.join(dir, 'demo.json');
      writeFileSync(config, JSON.stringify({ store: { url: database!.url }, http: { port: 0 }, demo: { eventsPerSecond: 40 } }));
      service = startCli(['run', '--demo', '--config', config]);
      const [, address] = await service.waitFor(/HTTP server listening on (http:\/\/\S+)/);
      await service.waitFor(/service running with the demo CRM/);

      const created = await runCli(['keys', 'create', '--name', 'demo', '--scopes', 'admin', '--json', '--config', config]);
      expect(created.code, created.stderr).to.equal(0);
      const key = (JSON.parse(created.stdout) as { key: string }).key;
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const subscribed = await fetch(`${address}/api/v1/webhooks/subscriptions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: `${receiver!.url}/hook`, event_types: ['*'] }),
      });
      expect(subscribed.status, await subscribed.clone().text()).to.equal(201);

      const delivered = new Set<string>();
      await until(
        () => {
          for (const request of receiver!.requests.splice(0)) delivered.add((JSON.parse(request.body) as { type: string }).type);
          return missing(delivered).length === 0;
        },
        () => `not delivered: ${missing(delivered).join(', ')}`,
        120_000,
      );

      const served = new Set<string>();
      let cursor = '';
      await until(
        async () => {
          const page = await fetch(`${address}/api/v1/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers });
          expect(page.status).to.equal(200);
          const body = (await page.json()) as { data: { type: string }[]; next_cursor: string };
          body.data.forEach((event) => served.add(event.type));
          cursor = encodeURIComponent(body.next_cursor);
          return missing(served).length === 0;
        },
        () => `not served: ${missing(served).join(', ')}`,
        30_000,
      );

      expect(service.output()).not.to.match(/\berror\b/i);
      service.child.kill('SIGINT');
      expect(await service.exited).to.equal(0);
    });
  });
}
