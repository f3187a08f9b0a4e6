import { expect } from 'chai';
import { appendEvents } from '../../src/outbox/append-events.js';
import { readStoreStatus } from '../../src/store/status.js';
import { listMigrationFiles } from '../../src/store/migration-files.js';
import { describeEachDialect } from '../support/databases.js';

describeEachDialect('store status', (suite) => {
  it('reports an empty store', async () => {
    const status = await readStoreStatus(suite.db);
    const latest = listMigrationFiles(suite.db.dialect.name).at(-1)?.version;
    expect(status).to.deep.equal({
      schema: { current: latest, latest, pending: [] },
      watermarks: [],
      outbox: { events: 0, newestEventId: null, newestCreatedUtc: null },
      deliveries: { pending: 0, failed: 0, oldestPendingDueUtc: null },
      captureLagSeconds: null,
      gaps: [],
    });
  });

  it('counts events, deliveries and watermarks, and measures lag from the newest event', async () => {
    await suite.db.dialect.insertReturningId(
      suite.db.db,
      'integration.WebhookSubscription',
      { Url: 'http://a.example/', EventTypes: '*', Secret: 'whsec_x' },
      'SubscriptionId',
    );
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(
        trx,
        suite.db.dialect,
        1,
        [
          { type: 'lead.created', sourceKey: 'dbo.Client:1', createdUtc: new Date('2026-03-01T12:00:00Z'), payload: {}, metadata: {} },
          { type: 'lead.created', sourceKey: 'dbo.Client:2', createdUtc: new Date('2026-03-01T12:00:30Z'), payload: {}, metadata: {} },
        ],
        new Date('2026-03-01T12:01:00Z'),
      ),
    );
    await suite.db.db.updateTable('integration.WebhookDelivery').set({ Status: 'failed' }).where('EventId', '=', 1).execute();
    await suite.db.db.insertInto('integration.CaptureWatermark').values({ SourceName: 'dbo.Client', LastKey: 2 }).execute();
    const status = await readStoreStatus(suite.db, new Date('2026-03-01T12:02:00Z'));
    expect(status.outbox).to.deep.equal({ events: 2, newestEventId: 2, newestCreatedUtc: '2026-03-01T12:00:30.000Z' });
    expect(status.deliveries).to.deep.equal({ pending: 1, failed: 1, oldestPendingDueUtc: '2026-03-01T12:01:00.000Z' });
    expect(status.captureLagSeconds).to.equal(90);
    expect(status.watermarks.map((w) => [w.source, w.lastKey])).to.deep.equal([['dbo.Client', 2]]);
  });
});
