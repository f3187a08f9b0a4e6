import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';

describe('outbox backfill --deliver', function () {
  this.timeout(180_000);
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-backfill-cli-'));
    const url = `pglite:${path.join(dir, 'store')}`;
    env = { OUTBOX_STORE_URL: url };
    const store = await openDatabase(parseDatabaseUrl(url), { role: 'store', connectTimeoutMs: 15_000, poolMax: 1 });
    try {
      await migrate(store, silentLogger());
      await ensureDemoCrm(store);
      for (const [url, types] of [
        ['http://127.0.0.1:9/one', 'client.*'],
        ['http://127.0.0.1:9/two', 'payment.failed'],
      ] as const) {
        await store.dialect.insertReturningId(
          store.db,
          'integration.WebhookSubscription',
          { Url: url, EventTypes: types, Secret: 'whsec_x' },
          'SubscriptionId',
        );
      }
    } finally {
      await store.close();
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is required: without it nothing is written and the choices are named (exit 2)', async () => {
    const result = await runCli(['backfill', '--since', '2020-01-01'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.match(/--deliver is required: .*none .*all .*subscription ids/);
  });

  it('refuses a subscription that takes none of the events, before writing anything', async () => {
    const result = await runCli(['backfill', '--since', '2020-01-01', '--events', 'client.created', '--deliver', '2'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/subscription 2 takes none of client\.created/);
    const status = await runCli(['status', '--json'], env);
    expect(JSON.parse(status.stdout).outbox.events).to.equal(0);
  });

  it('says who gets what before it starts, then queues only to the chosen subscription', async () => {
    const result = await runCli(['backfill', '--since', '2020-01-01', '--events', 'client.created', '--deliver', '1'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/pollers: the events appear at the end of GET \/api\/v1\/events, with metadata\.backfill = true/);
    expect(result.stderr).to.match(/queued to 1 subscription\(s\):\n\s+subscription 1\s+http:\/\/127\.0\.0\.1:9\/one/);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(status.outbox.events).to.be.greaterThan(0);
    expect(status.deliveries.pending).to.equal(status.outbox.events);
  });
});
