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
        ['http://127.0.0.1:9/three', '*'],
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

  const outbox = async () => JSON.parse((await runCli(['status', '--json'], env)).stdout) as StatusJson;

  it('--dry-run prints the events by type and the deliveries per subscription, and writes nothing', async () => {
    const result = await runCli(['backfill', '--since', '2020-01-01', '--deliver', 'all', '--dry-run'], env);
    expect(result.code, result.stderr).to.equal(0);
    const total = Number(/events to write: (\d+)/.exec(result.stderr)?.[1]);
    const byType = [...result.stderr.matchAll(/^ {2}([a-z_]+\.[a-z_]+) +(\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])] as const);
    expect(total).to.be.greaterThan(0);
    expect(byType.reduce((sum, [, n]) => sum + n, 0)).to.equal(total);
    const clientEvents = byType.filter(([type]) => type.startsWith('client.')).reduce((sum, [, n]) => sum + n, 0);
    expect(result.stderr).to.match(
      new RegExp(`subscription 1 +http://127\\.0\\.0\\.1:9/one +\\(client\\.\\*\\) +${clientEvents} deliveries`),
    );
    expect(result.stderr).to.match(new RegExp(`subscription 3 +http://127\\.0\\.0\\.1:9/three +\\(\\*\\) +${total} deliveries`));
    expect(result.stderr).to.contain('dry run: nothing written');
    expect((await outbox()).outbox.events).to.equal(0);
  });

  it('says who gets what before it starts, then queues only to the chosen subscription', async () => {
    const result = await runCli(['backfill', '--since', '2020-01-01', '--events', 'client.created', '--deliver', '1'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/pollers: the events appear at the end of GET \/api\/v1\/events .*with metadata\.backfill = true/);
    const planned = Number(/events to write: (\d+)/.exec(result.stderr)?.[1]);
    expect(result.stderr).to.match(/1 subscription\(s\)[^\n]*:\n\s+subscription 1\s+http:\/\/127\.0\.0\.1:9\/one/);
    const status = await outbox();
    expect(status.outbox.events).to.equal(planned).and.to.be.greaterThan(0);
    expect(status.deliveries.pending).to.equal(status.outbox.events);
  });

  it('--deliver none writes the events for pollers and queues no delivery', async () => {
    const before = await outbox();
    const result = await runCli(['backfill', '--since', '2020-01-01', '--events', 'lead.created', '--deliver', 'none'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.contain('webhooks: none (--deliver none)');
    const after = await outbox();
    expect(after.outbox.events).to.be.greaterThan(before.outbox.events);
    expect(after.deliveries.pending).to.equal(before.deliveries.pending);
  });

  it('--deliver all queues each event to every enabled subscription that takes it', async () => {
    const before = await outbox();
    const result = await runCli(
      ['backfill', '--since', '2020-01-01', '--events', 'affiliate.created,invoice.created', '--deliver', 'all'],
      env,
    );
    expect(result.code, result.stderr).to.equal(0);
    const planned = Number(/events to write: (\d+)/.exec(result.stderr)?.[1]);
    expect(planned).to.be.greaterThan(0);
    expect(result.stderr).to.match(new RegExp(`webhooks: ${planned} deliveries queued to 1 subscription\\(s\\)`));
    const after = await outbox();
    expect(after.outbox.events - before.outbox.events).to.equal(planned);
    // Only subscription 3 (every type) takes these: one delivery per event.
    expect(after.deliveries.pending - before.deliveries.pending).to.equal(planned);
  });
});

interface StatusJson {
  outbox: { events: number };
  deliveries: { pending: number };
}
