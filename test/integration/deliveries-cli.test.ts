import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents } from '../../src/outbox/append-events.js';
import { describeEachDialect } from '../support/databases.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface CliFailure {
  code: number;
  stderr: string;
}

describeEachDialect('outbox deliveries (CLI)', (suite) => {
  const cli = (...args: string[]) =>
    run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, OUTBOX_STORE_URL: suite.url, OUTBOX_LOG_LEVEL: 'error' },
      timeout: 60_000,
    });
  const failure = (...args: string[]) =>
    cli(...args).then(
      () => undefined,
      (error: CliFailure) => error,
    );

  it('resends one delivery and recovers a subscription, logged; bad input exits 2 and changes nothing', async function () {
    if (suite.dialect === 'pglite') {
      console.log('      skipped on pglite: the CLI is another process and needs a database server, not the in-process PGlite');
      this.skip();
    }
    // Seven processes, each with its own login: a T-SQL engine's logins are slow on a busy machine.
    this.timeout(120_000);
    const since = new Date(Date.now() - 1000);
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(trx, suite.db.dialect, 1, [
        { type: 'lead.created', sourceKey: 'cli:1', createdUtc: new Date(), payload: {}, metadata: {} },
        { type: 'client.created', sourceKey: 'cli:2', createdUtc: new Date(), payload: {}, metadata: {} },
      ]),
    );
    const { subscription } = await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['client.*'],
    });
    const recovered = await cli('deliveries', 'recover', '--subscription', String(subscription.id), '--since', since.toISOString());
    expect(recovered.stdout).to.match(/0 failed or cancelled deliveries re-queued, 1 events it never had queued/);
    const [delivery] = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .selectAll()
      .where('SubscriptionId', '=', subscription.id)
      .execute();
    expect(delivery).to.include({ Status: 'pending' });
    await suite.db.db
      .updateTable('integration.WebhookDelivery')
      .set({ Status: 'failed', AttemptCount: 11 })
      .where('DeliveryId', '=', delivery!.DeliveryId)
      .execute();
    const resent = await cli('deliveries', 'resend', String(delivery!.DeliveryId));
    expect(resent.stdout).to.include(`delivery ${delivery!.DeliveryId} queued`);
    const after = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['Status', 'AttemptCount'])
      .where('DeliveryId', '=', delivery!.DeliveryId)
      .executeTakeFirstOrThrow();
    expect(after).to.deep.equal({ Status: 'pending', AttemptCount: 0 });

    const before = await suite.db.db.selectFrom('integration.WebhookDelivery').selectAll().orderBy('DeliveryId').execute();
    const cases: [string[], RegExp][] = [
      [['deliveries', 'resend', 'abc'], /deliveryId must be a positive whole number, got "abc"/],
      [['deliveries', 'resend', '999999999'], /no delivery 999999999/],
      [['deliveries', 'recover', '--subscription', '999999', '--since', '2026-01-01'], /no subscription 999999/],
      [['deliveries', 'recover', '--subscription', String(subscription.id), '--since', 'yesterday'], /--since must be a UTC date/],
      [['deliveries', 'recover', '--since', '2026-01-01'], /recover needs either --subscription <id> or --deliver <ids\|all>/],
      [['deliveries', 'recover', '--since', '2026-01-01', '--deliver', 'none'], /--deliver none: recover only queues deliveries/],
    ];
    for (const [args, message] of cases) {
      const refused = await failure(...args);
      expect(refused?.code, args.join(' ')).to.equal(2);
      expect(refused?.stderr, args.join(' ')).to.match(message);
      expect(refused?.stderr).to.not.match(/\n\s+at /);
    }
    expect(await suite.db.db.selectFrom('integration.WebhookDelivery').selectAll().orderBy('DeliveryId').execute()).to.deep.equal(before);
  });

  it('recover says what it will queue per subscription before it starts; --dry-run stops there; --deliver all takes every enabled one', async function () {
    if (suite.dialect === 'pglite') {
      console.log('      skipped on pglite: the CLI is another process and needs a database server, not the in-process PGlite');
      this.skip();
    }
    this.timeout(120_000);
    await suite.db.db.deleteFrom('integration.WebhookDelivery').execute();
    await suite.db.db.deleteFrom('integration.WebhookSubscription').execute();
    const since = new Date(Date.now() - 1000);
    const subscriptions = kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 });
    const payments = (await subscriptions.create({ url: 'http://127.0.0.1:9/payments', eventTypes: ['payment.*'] })).subscription;
    const everything = (await subscriptions.create({ url: 'http://127.0.0.1:9/all', eventTypes: ['*'] })).subscription;
    const off = (await subscriptions.create({ url: 'http://127.0.0.1:9/off', eventTypes: ['*'], enabled: false })).subscription;
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(
        trx,
        suite.db.dialect,
        1,
        [
          { type: 'payment.failed', sourceKey: 'recover:1', createdUtc: new Date(), payload: {}, metadata: {} },
          { type: 'lead.created', sourceKey: 'recover:2', createdUtc: new Date(), payload: {}, metadata: {} },
        ],
        new Date(),
        'none',
      ),
    );
    const queued = async () =>
      Number(
        (
          await suite.db.db
            .selectFrom('integration.WebhookDelivery')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const dry = await cli('deliveries', 'recover', '--deliver', 'all', '--since', since.toISOString(), '--dry-run');
    expect(dry.stderr).to.contain('3 deliveries to queue for 2 subscription(s)');
    expect(dry.stderr).to.match(
      new RegExp(
        `subscription ${payments.id} +http://127\\.0\\.0\\.1:9/payments +\\(payment\\.\\*\\) +0 failed or cancelled to re-queue, 1 events it never had`,
      ),
    );
    expect(dry.stderr).to.match(
      new RegExp(
        `subscription ${everything.id} +http://127\\.0\\.0\\.1:9/all +\\(\\*\\) +0 failed or cancelled to re-queue, 2 events it never had`,
      ),
    );
    expect(dry.stderr).to.not.contain('/off');
    expect(dry.stderr).to.contain('pollers: nothing changes');
    expect(dry.stderr).to.contain('dry run: nothing queued');
    expect(await queued()).to.equal(0);

    const refused = await failure('deliveries', 'recover', '--deliver', `${payments.id},${off.id}`, '--since', since.toISOString());
    expect(refused?.code).to.equal(2);
    expect(refused?.stderr).to.contain(`subscription ${off.id} is disabled: enable it first`);
    expect(await queued()).to.equal(0);

    const one = await cli('deliveries', 'recover', '--deliver', String(payments.id), '--since', since.toISOString());
    expect(one.stderr).to.contain('1 deliveries to queue for 1 subscription(s)');
    expect(await queued()).to.equal(1);
    const all = await cli('deliveries', 'recover', '--deliver', 'all', '--since', since.toISOString());
    expect(all.stdout).to.match(
      new RegExp(`subscription ${everything.id} since .*: 0 failed or cancelled deliveries re-queued, 2 events it never had queued`),
    );
    expect(await queued()).to.equal(3);
  });
});
