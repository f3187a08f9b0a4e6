import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import type { Db, Trx } from '../../src/db/dialect.js';
import { eventsOf, recordingLogger, testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';

/** Short, so the case takes seconds; the service's default is 10 s (store.lockTimeoutMs). */
const LOCK_TIMEOUT_MS = 1000;

const insertClient = (db: Db | Trx, firstName: string) =>
  db
    .insertInto('dbo.Client')
    .values({
      ...{ FirstName: firstName, LastName: 'Blocked', StatusID: 42, CreatedDate: '2026-01-28 10:00:00' },
      ...{ Email: null, Phone: null, EmployeeID: null, AffiliateID: null, LeadSource: null },
    })
    .execute();

describeEachDialect(
  'capture beside a CRM transaction that holds a lock: lock timeout',
  (suite) => {
    it('times out on the locked object with one line, captures the others, and loses nothing once the lock goes', async function () {
      this.timeout(180_000);
      if (suite.dialect === 'pglite') {
        console.log('      skipped on pglite: one embedded connection, so no other session can hold a lock');
        this.skip();
      }
      const store: Database = await openDatabase(parseDatabaseUrl(suite.url), {
        role: 'store',
        connectTimeoutMs: 15_000,
        poolMax: 4,
        lockTimeoutMs: LOCK_TIMEOUT_MS,
      });
      const blocker = await suite.openAnother('crm-blocker');
      try {
        const { logger, lines } = recordingLogger();
        const loop = new CaptureLoop(testCaptureContext(store, { logger }), { pollIntervalMs: 60_000, reconcileCron: null });
        await loop.runOnce(); // the watermarks, as of now
        await insertClient(store.db, 'Before');
        await store.db
          .insertInto('dbo.Employee')
          .values({
            ...{ FullName: 'Ann Affiliate', Email: null, Phone: null, TeamRoleID: 2, IsActive: true, IsApprovedAffiliate: true },
            ...{ AffiliateCode: 'LOCK-1', CreatedDate: '2026-01-28 10:00:00' },
          })
          .execute();

        // A CRM transaction that holds dbo.Client: a schema change, which blocks readers on every
        // engine (on SQL Server without row versioning an uncommitted row does too), with a new
        // client written inside it.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const holding = new Promise<void>((resolve) => (locked = resolve));
        const blocking = blocker.db.transaction().execute(async (trx) => {
          await trx.schema.alterTable('dbo.Client').addColumn('LockProbe', 'integer').execute();
          await insertClient(trx, 'During');
          locked();
          await released;
          await trx.schema.alterTable('dbo.Client').dropColumn('LockProbe').execute();
        });
        await holding;
        const clientLines = () => lines.filter((l) => l.message.startsWith('dbo.Client:') && /lock/.test(l.message));
        try {
          await loop.runChanged();
          expect((await eventsOf(store, 'affiliate.created')).map((e) => e.payload['full_name'])).to.deep.equal(['Ann Affiliate']);
          expect(await eventsOf(store, 'client.created')).to.deep.equal([]);
          expect(clientLines().map((l) => l.level)).to.deep.equal(['warn']);
          expect(clientLines()[0]?.message).to.match(/gave up waiting for a lock another session holds/);
          await loop.runChanged();
          expect(clientLines(), 'still blocked: no second line').to.have.length(1);
        } finally {
          release();
          await blocking;
        }

        for (let i = 0; i < 40 && (await eventsOf(store, 'client.created')).length < 2; i++) {
          await delay(250);
          await loop.runChanged();
        }
        const clients = await eventsOf(store, 'client.created');
        expect(clients.map((e) => e.payload['first_name']).sort()).to.deep.equal(['Before', 'During']);
        expect(clientLines().map((l) => l.level)).to.deep.equal(['warn', 'info']);
        expect(clientLines()[1]?.message).to.match(/the lock is released/);
      } finally {
        await store.close();
      }
    });
  },
  { demoCrm: true },
);
