import { expect } from 'chai';
import { captureLagSeconds, captureMetrics } from '../../src/api/metrics.js';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
import { call, startApi } from '../support/api-app.js';
import { eventsOf, testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';

describeEachDialect(
  'capture loop component',
  (suite) => {
    it('starts with the reconciliation scheduled, drains a burst in one pass while batches are full, and stops', async () => {
      const loop = new CaptureLoop(testCaptureContext(suite.db, { batchSize: 3 }), { pollIntervalMs: 60_000, reconcileCron: '0 * * * *' });
      await loop.runOnce(); // the first pass sets the watermarks
      await loop.start();
      await loop.stop();
      const again = new CaptureLoop(testCaptureContext(suite.db, { batchSize: 3 }), { pollIntervalMs: 60_000, reconcileCron: null });
      for (let i = 0; i < 10; i++) {
        await suite.db.db
          .insertInto('dbo.Client')
          .values({
            FirstName: `Loop${i}`,
            LastName: 'L',
            Email: null,
            Phone: null,
            StatusID: 10,
            EmployeeID: null,
            AffiliateID: null,
            LeadSource: 'web',
            CreatedDate: '2026-01-28 10:00:00',
          })
          .execute();
      }
      expect(await again.runOnce()).to.equal(10);
      expect(await eventsOf(suite.db, 'lead.created')).to.have.length(10);
      await again.reconcile();
      await again.stop();
    });

    it('feeds /metrics: events captured by type, and the lag of the last pass', async () => {
      const api = await startApi(suite.db);
      // The counters live for the whole process: compare with what they held before.
      const scrape = async () => (await call(api.base, 'GET', '/metrics')).text;
      const count = (text: string, type: string) =>
        Number(new RegExp(`^outbox_events_captured_total\\{type="${type}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      const loop = new CaptureLoop(testCaptureContext(suite.db), { pollIntervalMs: 60_000, reconcileCron: null }, captureMetrics);
      try {
        await loop.runOnce(); // the watermarks, as of now
        const before = await scrape();
        await suite.db.db
          .insertInto('dbo.Client')
          .values(
            [10, 42, 42].map((StatusID, i) => ({
              FirstName: `Metric${i}`,
              LastName: 'M',
              Email: null,
              Phone: null,
              StatusID,
              EmployeeID: null,
              AffiliateID: null,
              LeadSource: 'web',
              CreatedDate: '2026-01-28 10:00:00',
            })),
          )
          .execute();
        expect(await loop.runOnce()).to.equal(3);
        const after = await scrape();
        expect(count(after, 'lead.created') - count(before, 'lead.created')).to.equal(1);
        expect(count(after, 'client.created') - count(before, 'client.created')).to.equal(2);
        // Created at 10:00 in the CRM (UTC), captured at the test clock's 12:00.
        expect(after).to.match(/^outbox_capture_lag_seconds 7200$/m);
        await loop.runOnce();
        expect(await scrape()).to.match(/^outbox_capture_lag_seconds 0$/m);
      } finally {
        await loop.stop();
        captureLagSeconds.reset();
        await api.close();
      }
    });
  },
  { demoCrm: true },
);
