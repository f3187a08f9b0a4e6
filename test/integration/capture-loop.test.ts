import { expect } from 'chai';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
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
  },
  { demoCrm: true },
);
