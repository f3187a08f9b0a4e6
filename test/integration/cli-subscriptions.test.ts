import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createApiKey, revokeApiKey } from '../../src/api/api-keys.js';
import { assignOwner, findOwnerKey } from '../../src/api/subscription-owner.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents } from '../../src/outbox/append-events.js';
import { call, startApi } from '../support/api-app.js';
import { runCli, startCli } from '../support/cli.js';
import { describeEachDialect } from '../support/databases.js';

describe('outbox: an unknown command', () => {
  it('says so and lists the commands, exit 2 (it used to answer "too many arguments for \'run\'")', async () => {
    const result = await runCli(['subscriptionz', 'list']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^error: unknown command 'subscriptionz'/);
    expect(result.stderr).to.not.include("too many arguments for 'run'");
    for (const name of ['run', 'migrate', 'keys', 'deliveries', 'subscriptions'])
      expect(result.stderr).to.match(new RegExp(`\\n  ${name} +\\S`));
    expect(result.stdout).to.equal('');
    const nested = await runCli(['subscriptions', 'frobnicate']);
    expect(nested.code).to.equal(2);
    expect(nested.stderr).to.include("unknown command 'frobnicate'");
  });
});

describeEachDialect('outbox subscriptions and outbox deliveries list (CLI)', (suite) => {
  const env = () => ({ OUTBOX_STORE_URL: suite.url, OUTBOX_LOG_LEVEL: 'error' });
  let subscriptionId: number;

  before(async function () {
    if (suite.dialect === 'pglite') {
      console.log('      CLI suite skipped on pglite: the CLI is another process and needs a database server, not the in-process PGlite');
      this.skip();
    }
    const store = kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 });
    ({
      subscription: { id: subscriptionId },
    } = await store.create({ url: 'https://hooks.example.com/crm', eventTypes: ['client.*'], description: 'sheet' }));
    await store.create({ url: 'https://other.example.com/x', eventTypes: ['payment.failed'], enabled: false });
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(trx, suite.db.dialect, 1, [
        { type: 'client.created', sourceKey: 'cli-list:1', createdUtc: new Date(), payload: {}, metadata: {} },
        { type: 'client.status_changed', sourceKey: 'cli-list:2', createdUtc: new Date(), payload: {}, metadata: {} },
      ]),
    );
    await suite.db.db
      .updateTable('integration.WebhookDelivery')
      .set({ Status: 'failed', LastHttpStatus: 500, AttemptCount: 11 })
      .where('SubscriptionId', '=', subscriptionId)
      .where('EventId', '=', (eb) => eb.selectFrom('integration.OutboxEvent').select(eb.fn.max('EventId').as('m')))
      .execute();
  });

  it('lists and shows subscriptions, never their secrets', async () => {
    const list = await runCli(['subscriptions', 'list'], env());
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(new RegExp(`^\\s+${subscriptionId}  enabled +client\\.\\* +https://hooks\\.example\\.com/crm$`, 'm'));
    expect(list.stdout).to.match(/disabled +payment\.failed +https:\/\/other\.example\.com\/x/);
    expect(list.stdout).to.not.include('whsec_');
    const json = JSON.parse((await runCli(['subscriptions', 'list', '--json'], env())).stdout) as { id: number; secret?: string }[];
    expect(json.map((s) => s.id)).to.include(subscriptionId);
    expect(json.every((s) => s.secret === undefined)).to.equal(true);
    const show = await runCli(['subscriptions', 'show', String(subscriptionId)], env());
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.include('https://hooks.example.com/crm');
    expect(show.stdout).to.match(/deliveries +1 pending, 0 succeeded, 1 failed, 0 cancelled/);
    const shown = JSON.parse((await runCli(['subscriptions', 'show', String(subscriptionId), '--json'], env())).stdout);
    expect(shown).to.deep.include({ id: subscriptionId, description: 'sheet', enabled: true, owner_key_id: null });
    expect(shown.deliveries).to.deep.equal({ pending: 1, succeeded: 0, failed: 1, cancelled: 0 });
    const missing = await runCli(['subscriptions', 'show', '999999'], env());
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^error: no subscription 999999/);
    expect((await runCli(['subscriptions', 'show', 'abc'], env())).stderr).to.match(/id must be a positive whole number/);
  });

  it('lists deliveries with the same filters as the API', async () => {
    const failed = await runCli(['deliveries', 'list', '--status', 'failed', '--json'], env());
    expect(failed.code, failed.stderr).to.equal(0);
    const rows = JSON.parse(failed.stdout) as { event_type: string; status: string; last_http_status: number }[];
    expect(rows.map((r) => [r.event_type, r.status, r.last_http_status])).to.deep.equal([['client.status_changed', 'failed', 500]]);
    const text = await runCli(['deliveries', 'list', '--subscription', String(subscriptionId), '--event-type', 'client.created'], env());
    expect(text.stdout.trim().split('\n')).to.have.length(1);
    expect(text.stdout).to.match(/client\.created +pending/);
    expect((await runCli(['deliveries', 'list', '--http-status', '500', '--until', '2000-01-01'], env())).stdout).to.equal(
      'no deliveries match\n',
    );
    const bad: [string[], RegExp][] = [
      [['--status', 'exploded'], /--status takes a comma-separated list of pending, succeeded, failed, cancelled/],
      [['--event-type', 'client.exploded'], /--event-type takes a comma-separated list of/],
      [['--http-status', '42'], /--http-status must be an HTTP status from 100 to 599/],
      [['--since', 'yesterday'], /--since must be a UTC date/],
      [['--limit', '0'], /--limit must be a positive whole number/],
    ];
    for (const [args, message] of bad) {
      const result = await runCli(['deliveries', 'list', ...args], env());
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.match(message);
    }
  });

  it('assigns an owner to subscriptions made before migration 0007, so a Zapier key can delete its own (it got 404)', async () => {
    const store = kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 });
    const unowned = async () =>
      (await store.create({ url: 'https://hooks.zapier.com/hooks/standard/1', eventTypes: ['client.created'] })).subscription.id;
    const [one, second, third] = [await unowned(), await unowned(), await unowned()];
    const zapier = await createApiKey(suite.db, `zapier-${one}`, ['events:read', 'integrations:read', 'integrations:write']);
    const other = await createApiKey(suite.db, `other-${one}`, ['events:read', 'integrations:read', 'integrations:write']);
    const api = await startApi(suite.db, { api: { keyCacheMs: 0 } });
    try {
      const route = (id: number) => `/api/v1/webhooks/subscriptions/${id}`;
      expect((await call(api.base, 'DELETE', route(one), zapier.key)).status, "before: not the key's own").to.equal(404);

      const byName = await runCli(['subscriptions', 'assign-owner', String(one), '--key', `zapier-${one}`], env());
      expect(byName.code, byName.stderr).to.equal(0);
      expect(byName.stdout).to.equal(`subscription ${one} now belongs to API key ${zapier.id} (zapier-${one})\n`);
      expect((await store.get(one))?.ownerKeyId).to.equal(zapier.id);
      expect((await call(api.base, 'GET', route(one), other.key)).status, 'another key still does not see it').to.equal(404);
      expect((await call(api.base, 'DELETE', route(one), zapier.key)).status, 'after: the owner deletes it').to.equal(204);

      const all = await runCli(['subscriptions', 'assign-owner', '--all-unowned', '--key', zapier.prefix], env());
      expect(all.code, all.stderr).to.equal(0);
      expect(all.stdout).to.include(`subscription ${second} now belongs to API key ${zapier.id}`);
      expect(all.stdout).to.include(`subscription ${third} now belongs to API key ${zapier.id}`);
      expect((await call(api.base, 'DELETE', route(second), zapier.key)).status).to.equal(204);
      expect(await assignOwner(suite.db, zapier.id, 'all-unowned'), 'none left without an owner').to.deep.equal([]);
      // Handing one over to another key says whose it was.
      const moved = await runCli(['subscriptions', 'assign-owner', String(third), '--key', String(other.id)], env());
      expect(moved.stdout).to.equal(`subscription ${third} now belongs to API key ${other.id} (other-${one}) (was API key ${zapier.id})\n`);
      expect((await call(api.base, 'DELETE', route(third), zapier.key)).status, "no longer the first key's").to.equal(404);
    } finally {
      await api.close();
    }

    const reader = await createApiKey(suite.db, `reader-${one}`, ['events:read']);
    const revoked = await createApiKey(suite.db, `revoked-${one}`, ['integrations:write']);
    await revokeApiKey(suite.db, String(revoked.id));
    await createApiKey(suite.db, `twin-${one}`, ['integrations:write']);
    await createApiKey(suite.db, `twin-${one}`, ['integrations:write']);
    // Through the command: a refusal is one line and exit 2.
    const refused: [string[], RegExp][] = [
      [['--key', String(zapier.id)], /^error: give either a subscription id or --all-unowned$/m],
      [[String(third), '--key', String(revoked.id)], /^error: API key \d+ is revoked/m],
    ];
    for (const [args, message] of refused) {
      const result = await runCli(['subscriptions', 'assign-owner', ...args], env());
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.match(message);
    }
    // The other refusals in process: each CLI start costs seconds.
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: Error) => `${error.constructor.name}: ${error.message}`,
      );
    expect(await refusal(assignOwner(suite.db, zapier.id, 999_999))).to.match(/^OwnerError: no subscription 999999/);
    expect(await refusal(findOwnerKey(suite.db, 'nobody'))).to.match(/^OwnerError: no API key nobody; outbox keys list shows them/);
    expect(await refusal(findOwnerKey(suite.db, String(reader.id)))).to.match(
      /^OwnerError: API key \d+ \(reader-\d+\) lacks integrations:write/,
    );
    expect(await refusal(findOwnerKey(suite.db, `twin-${one}`))).to.match(
      /^OwnerError: 2 active API keys are named twin-\d+ \(ids \d+, \d+\): give the id$/,
    );
    expect((await store.get(third))?.ownerKeyId, 'a refused assignment changes nothing').to.equal(other.id);
  });
  it('logs the allowed networks at start in production', async function () {
    this.timeout(90_000);
    const dir = await mkdtemp(join(tmpdir(), 'outbox-allowed-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        env: 'production',
        http: { port: 0 },
        capture: { enabled: false },
        delivery: { allowedNetworks: ['10.20.0.0/16'] },
      }),
    );
    const service = startCli(['run', '--config', config], { OUTBOX_STORE_URL: suite.url, OUTBOX_LOG_LEVEL: 'info' });
    try {
      const [line] = await service.waitFor(/.*delivery\.allowedNetworks.*/);
      expect(line).to.include('10.20.0.0/16');
      expect(line).to.include('metadata addresses stay refused');
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
