import { expect } from 'chai';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import {
  clientEventCounts,
  expectEveryClientOnce,
  insertClients,
  maxClientId,
  nextClientId,
  openLateTransaction,
  setNextClientId,
} from '../support/late-commits.js';
import { sleep } from './support/crm-writer.js';
import { SERVER_ENGINES, useChaosRun } from './support/engines.js';
import { scaled } from './support/scale.js';

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

for (const dialect of SERVER_ENGINES) {
  describe(`chaos 7: late commits, rolled-back keys and identity jumps [${dialect}]`, function () {
    this.timeout(scaled(240_000, 600_000));
    // Registered first, so the writers' connections close before the run drops its database.
    const connections: Database[] = [];
    after(() => Promise.allSettled(connections.map((c) => c.close())));
    const world = useChaosRun(dialect);

    /** Another connection to the CRM, as a second writer has. */
    async function connection(): Promise<Database> {
      const another = await openDatabase(parseDatabaseUrl(world().storeUrl), { role: 'late-writer', connectTimeoutMs: 15_000, poolMax: 1 });
      connections.push(another);
      return another;
    }

    /** Waits until every one of these clients is an event (or the time is up). */
    async function captured(ids: number[], after: number, timeoutMs: number): Promise<void> {
      const run = world();
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const events = await clientEventCounts(run.store, after);
        if (ids.every((id) => events.has(id))) return;
        await sleep(250);
      }
    }

    /** n clients committed at once; their keys. */
    async function insertNow(n: number, prefix: string): Promise<number[]> {
      const run = world();
      const first = await nextClientId(run.store);
      await insertClients(run.store.db, n, prefix);
      return range(first, (await maxClientId(run.store)) as number);
    }

    it('turns every committed row into its event once, whatever order and gaps the identities come in', async () => {
      const run = world();
      const service = await run.addService();
      await service.start();
      await run.captureStarted();
      const before = await maxClientId(run.store);
      const committed: number[] = [];

      // 1. A block of 1,000 keys that rolls back, below 5 rows that commit late.
      const rollback = await connection();
      const doomed = new Error('rolled back on purpose');
      let abort!: () => void;
      const aborted = new Promise<void>((resolve) => (abort = resolve));
      let inserted!: () => void;
      const rolledBackInserted = new Promise<void>((resolve) => (inserted = resolve));
      const rolledBackFirst = await nextClientId(run.store);
      const rolledBackDone = rollback.db
        .transaction()
        .execute(async (trx) => {
          await insertClients(trx, 1_000, 'Dead');
          inserted();
          await aborted;
          throw doomed;
        })
        .catch((error: unknown) => error);
      await rolledBackInserted;
      const rolledBack = range(rolledBackFirst, rolledBackFirst + 999);
      const lateFive = await openLateTransaction(run.store, connection, 5, 'LateFive');
      const above = await insertNow(20, 'AboveFive');
      committed.push(...above);
      await captured(above, before, 60_000); // the watermark has passed the open keys
      abort();
      expect(await rolledBackDone).to.equal(doomed);
      await sleep(1_500);
      await lateFive.commit();
      committed.push(...range(lateFive.first, lateFive.last));

      // 2. One late transaction of 12,000 rows.
      const big = await openLateTransaction(run.store, connection, 12_000, 'LateBig');
      const aboveBig = await insertNow(20, 'AboveBig');
      committed.push(...aboveBig);
      await captured(aboveBig, before, 60_000);
      await sleep(1_500);
      await big.commit();
      const bigRows = range(big.first, big.last);
      committed.push(...bigRows);

      // 3. An identity jump of 1,000,000 (a SQL Server identity cache does this after a restart).
      await setNextClientId(run.store, (await maxClientId(run.store)) + 1_000_001);
      const afterJump = await insertNow(10, 'AfterJump');
      committed.push(...afterJump);

      await captured(committed, before, scaled(120_000, 300_000));
      const events = await clientEventCounts(run.store, before);
      const missing = committed.filter((id) => !events.has(id));
      const twice = [...events.values()].filter((n) => n > 1).length;
      console.log(
        `      late commits [${dialect}]: ${JSON.stringify({
          committed: committed.length,
          events: events.size,
          missing: missing.length,
          missingByBlock: {
            lateFive: range(lateFive.first, lateFive.last).filter((id) => !events.has(id)).length,
            late12000: bigRows.filter((id) => !events.has(id)).length,
            afterJump: afterJump.filter((id) => !events.has(id)).length,
          },
          twice,
        })}`,
      );
      expect(missing.length, 'committed rows without their event').to.equal(0);
      expect(twice, 'rows captured twice').to.equal(0);
      expect(
        rolledBack.filter((id) => events.has(id)),
        'events of rolled-back rows',
      ).to.deep.equal([]);
      expect(events.size).to.equal(committed.length);
      await expectEveryClientOnce(run.store, before);
    });
  });
}
