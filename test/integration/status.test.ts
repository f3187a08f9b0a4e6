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

  it('measures lag from live capture only: a backfill of old history does not make it look huge', async () => {
    await suite.db.db.deleteFrom('integration.WebhookDelivery').execute();
    await suite.db.db.deleteFrom('integration.OutboxEvent').execute();
    const append = (sourceKey: string, createdUtc: string, metadata: Record<string, unknown>) =>
      suite.db.db
        .transaction()
        .execute((trx) =>
          appendEvents(trx, suite.db.dialect, 1, [
            { type: 'client.created', sourceKey, createdUtc: new Date(createdUtc), payload: {}, metadata },
          ]),
        );
    await append('dbo.Client:900', '2025-02-01T10:00:00Z', { backfill: true });
    expect((await readStoreStatus(suite.db, new Date('2026-03-01T12:02:00Z'))).captureLagSeconds, 'only history: no live lag').to.equal(
      null,
    );
    await append('dbo.Client:901', '2026-03-01T12:01:00Z', {});
    await append('dbo.Client:902', '2025-01-01T10:00:00Z', { backfill: true });
    const status = await readStoreStatus(suite.db, new Date('2026-03-01T12:02:00Z'));
    expect(status.outbox.newestCreatedUtc).to.equal('2025-01-01T10:00:00.000Z');
    expect(status.captureLagSeconds).to.equal(60);
  });
});
