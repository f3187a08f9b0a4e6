import { expect } from 'chai';
import { sql } from 'kysely';
import { ROWS_PER_WRITE } from '../../src/db/chunks.js';
import { recoverDeliveries } from '../../src/delivery/delivery-store.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents } from '../../src/outbox/append-events.js';
import { describeEachDialect } from '../support/databases.js';

/** More rows than one bounded statement takes, so every write below runs in several. */
const EVENTS = ROWS_PER_WRITE + 150;

describeEachDialect('writes of more rows than one statement takes (lock escalation on SQL Server)', (suite) => {
  const subscriptions = () => kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 });
  const byStatus = async (subscriptionId: number) => {
    const rows = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select((eb) => ['Status', eb.fn.countAll<number>().as('n')])
      .where('SubscriptionId', '=', subscriptionId)
      .groupBy('Status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.Status, Number(r.n)]));
  };
  const attemptCount = async (subscriptionId: number) =>
    Number(
      (
        await suite.db.db
          .selectFrom('integration.DeliveryAttempt')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('SubscriptionId', '=', subscriptionId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it(`fans out, cancels, recovers and deletes ${EVENTS} deliveries of a subscription: every row handled`, async function () {
    this.timeout(300_000);
    const since = new Date(Date.now() - 60_000);
    const { subscription: all } = await subscriptions().create({ url: 'https://example.com/a', eventTypes: ['*'] });
    const { subscription: clients } = await subscriptions().create({ url: 'https://example.com/b', eventTypes: ['client.created'] });
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      type: 'client.created' as const,
      sourceKey: `bulk:${i}`,
      createdUtc: new Date(),
      payload: { n: i },
      metadata: {},
    }));
    const appended = await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 1, events));
    expect(appended).to.include({ inserted: EVENTS, deliveries: EVENTS * 2 });
    expect(await byStatus(all.id)).to.deep.equal({ pending: EVENTS });
    expect(await byStatus(clients.id)).to.deep.equal({ pending: EVENTS });

    // One attempt logged per delivery of the first subscription, for the delete to take with it.
    await suite.db.db
      .insertInto('integration.DeliveryAttempt')
      .columns(['DeliveryId', 'SubscriptionId', 'EventId', 'AttemptNumber', 'ElapsedMs'])
      .expression((eb) =>
        eb
          .selectFrom('integration.WebhookDelivery')
          .select(['DeliveryId', 'SubscriptionId', 'EventId', sql.lit(1).as('AttemptNumber'), sql.lit(5).as('ElapsedMs')])
          .where('SubscriptionId', '=', all.id),
      )
      .execute();
    expect(await attemptCount(all.id)).to.equal(EVENTS);

    // Disabling cancels every pending delivery; recover queues them all again.
    await subscriptions().update(all.id, { enabled: false });
    expect(await byStatus(all.id)).to.deep.equal({ cancelled: EVENTS });
    await subscriptions().update(all.id, { enabled: true });
    expect(await recoverDeliveries(suite.db, all.id, since, new Date())).to.deep.equal({ requeued: EVENTS, fannedOut: 0 });
    expect(await byStatus(all.id)).to.deep.equal({ pending: EVENTS });

    // A subscription created after the events: recover fans every one of them out to it.
    const { subscription: late } = await subscriptions().create({ url: 'https://example.com/c', eventTypes: ['*'] });
    expect(await recoverDeliveries(suite.db, late.id, since, new Date())).to.deep.equal({ requeued: 0, fannedOut: EVENTS });
    expect(await byStatus(late.id)).to.deep.equal({ pending: EVENTS });

    // Deleting takes its deliveries and attempts with it, and nothing of the others.
    expect(await subscriptions().delete(all.id)).to.equal(true);
    expect(await byStatus(all.id)).to.deep.equal({});
    expect(await attemptCount(all.id)).to.equal(0);
    expect(await subscriptions().get(all.id)).to.equal(undefined);
    expect(await byStatus(clients.id)).to.deep.equal({ pending: EVENTS });
    expect(await byStatus(late.id)).to.deep.equal({ pending: EVENTS });
  });
});
