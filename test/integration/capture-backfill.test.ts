import { expect } from 'chai';
import { backfill } from '../../src/capture/backfill.js';
import { ENVELOPE_COLUMNS, toEnvelope } from '../../src/outbox/envelope.js';
import { eventsOf, captureAll, testCaptureContext } from '../support/capture.js';
import { clientRow } from '../support/crm-rows.js';
import { describeEachDialect } from '../support/databases.js';
import type { Database } from '../../src/db/connect.js';

const addClient = (db: Database, firstName: string, lastName: string, created: string) =>
  db.db
    .insertInto('dbo.Client')
    .values(clientRow(firstName, lastName, created))
    .execute();

/** Drops every event and delivery, so rows captured live read as history never emitted. */
const forgetEvents = async (db: Database) => {
  await db.db.deleteFrom('integration.WebhookDelivery').execute();
  await db.db.deleteFrom('integration.OutboxEvent').execute();
};

describeEachDialect(
  'capture: outbox backfill --since',
  (suite) => {
    it('emits the history since the date once, resuming after an interruption, with metadata.backfill', async () => {
      const db = suite.db;
      for (let i = 0; i < 25; i++) {
        await addClient(db, `Old${i}`, 'X', `2026-01-${String(1 + (i % 28)).padStart(2, '0')} 09:00:00`);
      }
      const ctx = testCaptureContext(db, { batchSize: 10 });
      await captureAll(ctx); // first start: nothing old is emitted
      expect(await eventsOf(db, 'client.created')).to.have.length(0);
      let pages = 0;
      const interrupted = await backfill(ctx, '2026-01-01', ['client.created', 'lead.created'], () => {
        pages += 1;
        if (pages === 1) throw new Error('interrupted');
      }).catch((e: Error) => e.message);
      expect(interrupted).to.equal('interrupted');
      const partial = await eventsOf(db, 'client.created');
      expect(partial).to.have.length(10);
      await backfill(ctx, '2026-01-01', ['client.created', 'lead.created']);
      const events = await eventsOf(db, 'client.created');
      // The seed's Jane Smith (2025) is before the date; the 25 rows of January 2026 are in.
      expect(events).to.have.length(25);
      expect(new Set(events.map((e) => e.sourceKey)).size).to.equal(25);
      expect(events.every((e) => e.metadata['backfill'] === true)).to.equal(true);
      expect(await db.db.selectFrom('integration.CaptureBackfill').select('SourceName').execute()).to.deep.equal([]);
    });

    it('queues deliveries only to the subscriptions chosen with --deliver: none, or a list of ids', async () => {
      const db = suite.db;
      const subscribe = (url: string) =>
        db.dialect.insertReturningId(
          db.db,
          'integration.WebhookSubscription',
          { Url: url, EventTypes: '*', Secret: 'whsec_x' },
          'SubscriptionId',
        );
      const first = await subscribe('http://one.example/');
      const second = await subscribe('http://two.example/');
      const addHistory = (day: string) => addClient(db, 'Hist', day, `2026-02-${day} 09:00:00`);
      const deliveriesOf = async (subscriptionId: number) =>
        (await db.db.selectFrom('integration.WebhookDelivery').select('EventId').where('SubscriptionId', '=', subscriptionId).execute())
          .length;
      const ctx = testCaptureContext(db, { batchSize: 10 });
      await addHistory('01');
      await addHistory('02');
      await captureAll(ctx); // live capture queues them to both; forget that, as if they were history
      await forgetEvents(db);
      const toNobody = await backfill(ctx, '2026-02-01', ['client.created'], undefined, 'none');
      expect(toNobody).to.be.greaterThan(0);
      expect([await deliveriesOf(first), await deliveriesOf(second)]).to.deep.equal([0, 0]);
      await forgetEvents(db);
      const written = await backfill(ctx, '2026-02-01', ['client.created'], undefined, [second]);
      expect(written).to.equal(toNobody);
      expect(await deliveriesOf(first)).to.equal(0);
      expect(await deliveriesOf(second)).to.equal(written);
    });

    it('writes createdUtc of backfilled and live events in one format, with milliseconds', async () => {
      const db = suite.db;
      await addClient(db, 'History', 'Format', '2026-03-01 09:00:00');
      const ctx = testCaptureContext(db);
      await captureAll(ctx);
      await forgetEvents(db); // as if it were history from before the first start
      await addClient(db, 'Live', 'Format', '2026-03-02 10:15:30.250');
      await captureAll(ctx);
      await backfill(ctx, '2026-03-01', ['client.created'], undefined, 'none');
      const rows = await db.db
        .selectFrom('integration.OutboxEvent')
        .select(ENVELOPE_COLUMNS)
        .where('EventType', '=', 'client.created')
        .execute();
      const envelopes = rows.map(toEnvelope);
      const live = envelopes.find((e) => e.metadata['backfill'] !== true);
      const backfilled = envelopes.find((e) => e.metadata['backfill'] === true);
      expect([live?.createdUtc, backfilled?.createdUtc]).to.deep.equal(['2026-03-02T10:15:30.250Z', '2026-03-01T09:00:00.000Z']);
    });
  },
  { demoCrm: true },
);
