import { expect } from 'chai';
import { sql } from 'kysely';
import type { Database } from '../../src/db/connect.js';
import { runRetention } from '../../src/retention/retention.js';
import { describeEachDialect } from '../support/databases.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * n events; those with id % 10 = 0 keep a pending delivery, id % 10 = 1 a succeeded one with an
 * attempt; ids above 90% of n are recent. Loaded set-based, as a real outbox would be large.
 */
async function load(store: Database, n: number): Promise<void> {
  const subscription = await store.dialect.insertReturningId(
    store.db,
    'integration.WebhookSubscription',
    { Url: 'https://a.example/', EventTypes: '*', Secret: 'whsec_x' },
    'SubscriptionId',
  );
  const recentFrom = Math.floor(n * 0.9);
  if (store.dialect.name === 'postgres') {
    await sql`INSERT INTO integration."OutboxEvent" ("EventType", "SourceKey", "CreatedUtc", "CompanyId", "Payload", "RecordedUtc")
      SELECT 'lead.created', 'dbo.Client:' || g, ${NOW}::timestamptz - interval '40 days', 1, '{}',
             CASE WHEN g > ${recentFrom} THEN ${NOW}::timestamptz - interval '1 day' ELSE ${NOW}::timestamptz - interval '40 days' END
      FROM generate_series(1, ${n}) AS g`.execute(store.db);
  } else {
    await sql`WITH g AS (SELECT TOP (${n}) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS g FROM sys.all_columns a CROSS JOIN sys.all_columns b)
      INSERT INTO integration.OutboxEvent (EventType, SourceKey, CreatedUtc, CompanyId, Payload, RecordedUtc)
      SELECT N'lead.created', CONCAT(N'dbo.Client:', g), DATEADD(day, -40, ${NOW}), 1, N'{}',
             CASE WHEN g > ${recentFrom} THEN DATEADD(day, -1, ${NOW}) ELSE DATEADD(day, -40, ${NOW}) END FROM g`.execute(store.db);
  }
  await sql`INSERT INTO integration."WebhookDelivery" ("EventId", "SubscriptionId", "Status", "NextAttemptUtc", "AttemptCount")
    SELECT "EventId", ${subscription}, CASE WHEN "EventId" % 10 = 0 THEN 'pending' ELSE 'succeeded' END, ${NOW}, 1
    FROM integration."OutboxEvent" WHERE "EventId" % 10 IN (0, 1)`.execute(store.db);
  await sql`INSERT INTO integration."DeliveryAttempt" ("DeliveryId", "SubscriptionId", "EventId", "AttemptNumber", "HttpStatus", "ElapsedMs", "AttemptedUtc")
    SELECT "DeliveryId", "SubscriptionId", "EventId", 1, 200, 12, "CreatedUtc" FROM integration."WebhookDelivery"`.execute(store.db);
  await store.db
    .updateTable('integration.DeliveryAttempt')
    .set({ AttemptedUtc: new Date(NOW.getTime() - 20 * 86_400_000) })
    .execute();
}

async function countOf(
  store: Database,
  table: 'integration.OutboxEvent' | 'integration.WebhookDelivery' | 'integration.DeliveryAttempt',
): Promise<number> {
  return Number(
    (
      await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

describeEachDialect('retention', (suite) => {
  const n = () => (suite.dialect === 'pglite' ? 20_000 : 100_000);

  before(async function () {
    this.timeout(180_000);
    await load(suite.db, n());
  });

  it('deletes old finished events in bounded statements and keeps every event with a pending delivery', async function () {
    this.timeout(180_000);
    const pendingBefore = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['DeliveryId', 'EventId'])
      .where('Status', '=', 'pending')
      .orderBy('DeliveryId')
      .execute();
    const total = n();
    const recent = total - Math.floor(total * 0.9);
    const oldPending = pendingBefore.filter((d) => d.EventId <= Math.floor(total * 0.9)).length;

    const result = await runRetention(suite.db, { eventsDays: 30, attemptsDays: 14, batchSize: 4000 }, NOW);

    const pendingAfter = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['DeliveryId', 'EventId'])
      .where('Status', '=', 'pending')
      .orderBy('DeliveryId')
      .execute();
    expect(pendingAfter).to.deep.equal(pendingBefore);
    const kept = await countOf(suite.db, 'integration.OutboxEvent');
    expect(kept).to.equal(recent + oldPending);
    expect(result.events).to.equal(total - kept);
    // Every attempt was older than 14 days; every finished delivery of an old event went with it.
    expect(await countOf(suite.db, 'integration.DeliveryAttempt')).to.equal(0);
    const finishedLeft = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select('EventId')
      .where('Status', '<>', 'pending')
      .execute();
    expect(finishedLeft.every((d) => d.EventId > Math.floor(total * 0.9))).to.equal(true);
  });

  it('does nothing more on a second pass', async () => {
    const result = await runRetention(suite.db, { eventsDays: 30, attemptsDays: 14, batchSize: 4000 }, NOW);
    expect(result).to.deep.equal({ attempts: 0, deliveries: 0, events: 0 });
  });

  it('stops between statements when asked', async () => {
    let checks = 0;
    const result = await runRetention(
      suite.db,
      { eventsDays: 0.0001, attemptsDays: 14, batchSize: 10 },
      new Date(NOW.getTime() + 86_400_000),
      () => ++checks > 2,
    );
    expect(result.events).to.be.at.most(10);
  });
});
