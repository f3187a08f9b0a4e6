import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { sql } from 'kysely';
import { backfill } from '../../src/capture/backfill.js';
import { captureLock } from '../../src/capture/engine.js';
import { SOURCE_OBJECTS } from '../../src/outbox/crm/sources.js';
import type { Database } from '../../src/db/connect.js';
import type { Trx } from '../../src/db/dialect.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents, type NewEvent, queueDeliveries } from '../../src/outbox/append-events.js';
import { captureAll, testCaptureContext } from '../support/capture.js';
import { describeEachDialect, type DialectSuite } from '../support/databases.js';

/** How long the second writer is given to reach the first one's locks before the first commits. */
const OVERLAP_MS = 2000;

/**
 * Runs `first` in a transaction and, while it is still open, `second` on another pool (connected
 * beforehand, so it starts at once); the first commits OVERLAP_MS later, so the second meets its
 * uncommitted rows. PGlite is one embedded connection: there the second runs after the first has
 * committed.
 */
async function overlapping<A, B>(
  suite: DialectSuite,
  first: (trx: Trx, db: Database) => Promise<A>,
  second: (db: Database) => Promise<B>,
): Promise<[A, B]> {
  if (suite.dialect === 'pglite') {
    console.log('      pglite: one embedded connection, so the second writer runs after the first commits');
    const a = await suite.db.db.transaction().execute((trx) => first(trx, suite.db));
    return [a, await second(suite.db)];
  }
  const other = await suite.openAnother('second-writer');
  await sql`SELECT 1 AS ready`.execute(other.db);
  let commit!: () => void;
  const committing = new Promise<void>((resolve) => (commit = resolve));
  let written!: () => void;
  const wrote = new Promise<void>((resolve) => (written = resolve));
  const a = suite.db.db.transaction().execute(async (trx) => {
    const result = await first(trx, suite.db);
    written();
    await committing;
    return result;
  });
  await wrote;
  const b = second(other);
  await delay(OVERLAP_MS);
  commit();
  return Promise.all([a, b]);
}

const events = (prefix: string, count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'client.created',
    sourceKey: `${prefix}:${i}`,
    createdUtc: new Date(),
    payload: { n: i },
    metadata: {},
  }));

describeEachDialect(
  'concurrent writers of the same rows: the unique constraint decides, no range locks',
  (suite) => {
    const countWhere = async (table: 'integration.OutboxEvent' | 'integration.WebhookDelivery', column: 'SourceKey', prefix: string) =>
      (await suite.db.db.selectFrom(table).select(column).where(column, 'like', `${prefix}:%`).execute()).map((r) => r[column]);

    it('two writers of the same events at once end with one row each and no error', async function () {
      this.timeout(120_000);
      const { subscription } = await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({
        url: 'https://example.com/race',
        eventTypes: ['*'],
      });
      const batch = events('race', 40);
      const [a, b] = await overlapping(
        suite,
        (trx, db) => appendEvents(trx, db.dialect, 1, batch),
        (db) => db.db.transaction().execute((trx) => appendEvents(trx, db.dialect, 1, batch)),
      );
      expect(a.inserted + b.inserted, 'each event written by exactly one of them').to.equal(batch.length);
      const keys = await countWhere('integration.OutboxEvent', 'SourceKey', 'race');
      expect(keys).to.have.length(batch.length);
      expect(new Set(keys).size).to.equal(batch.length);
      const deliveries = await suite.db.db
        .selectFrom('integration.WebhookDelivery')
        .select('EventId')
        .where('SubscriptionId', '=', subscription.id)
        .execute();
      expect(deliveries, 'one delivery per event').to.have.length(batch.length);
    });

    it('two writers of the same deliveries at once end with one row each and no error', async function () {
      this.timeout(120_000);
      const { subscription } = await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({
        url: 'https://example.com/queue-race',
        eventTypes: ['lead.created'],
      });
      // Events of a type the subscription does not take: it has none of them queued yet.
      await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 1, events('queue-race', 30)));
      const ids = await suite.db.db
        .selectFrom('integration.OutboxEvent')
        .select('EventId')
        .where('SourceKey', 'like', 'queue-race:%')
        .execute();
      const pairs = ids.map((r) => ({ e: Number(r.EventId), s: subscription.id }));
      const due = new Date();
      const [a, b] = await overlapping(
        suite,
        (trx, db) => queueDeliveries(trx, db.dialect, pairs, due),
        (db) => db.db.transaction().execute((trx) => queueDeliveries(trx, db.dialect, pairs, due)),
      );
      expect(a + b, 'each pair inserted by exactly one of them').to.equal(pairs.length);
      const rows = await suite.db.db
        .selectFrom('integration.WebhookDelivery')
        .select('EventId')
        .where('SubscriptionId', '=', subscription.id)
        .execute();
      expect(rows).to.have.length(pairs.length);
      expect(new Set(rows.map((r) => Number(r.EventId))).size).to.equal(pairs.length);
    });

    it("a backfill waits for a capture cycle of the same object: each row's event once", async function () {
      this.timeout(120_000);
      if (suite.dialect === 'pglite') {
        console.log('      skipped on pglite: one embedded connection cannot hold a capture lock while a backfill runs beside it');
        this.skip();
      }
      const db = suite.db;
      const client = SOURCE_OBJECTS.find((o) => o.name === 'dbo.Client');
      if (!client) throw new Error('no dbo.Client source object');
      const optional = { Email: null, Phone: null, AffiliateID: null, LeadSource: null };
      const row = { FirstName: 'Both', LastName: 'Writers', StatusID: 42, EmployeeID: 7, CreatedDate: '2026-01-05 09:00:00' };
      const id = await db.dialect.insertReturningId(db.db, 'dbo.Client', { ...row, ...optional }, 'ClientID');
      const ctx = testCaptureContext(db);
      await captureAll(ctx); // first start: the row is history, for the backfill
      const sourceKey = `dbo.Client:${id}`;
      // A capture cycle of dbo.Client in flight: it holds the object's lock and has written the
      // row's event under another of the object's types (the status changed between reads).
      const [, written] = await overlapping(
        suite,
        async (trx, store) => {
          await store.dialect.lockForTransaction(trx, captureLock(client), true);
          await appendEvents(trx, store.dialect, 92, [
            { type: 'lead.created', sourceKey, createdUtc: new Date(), payload: { client_id: id }, metadata: {} },
          ]);
        },
        (other) => backfill(testCaptureContext(other), '2026-01-01', ['client.created', 'lead.created']),
      );
      const ofRow = await db.db.selectFrom('integration.OutboxEvent').select(['EventType']).where('SourceKey', '=', sourceKey).execute();
      expect(ofRow.map((r) => r.EventType)).to.deep.equal(['lead.created']);
      expect(written).to.equal(0);
    });
  },
  { demoCrm: true },
);
