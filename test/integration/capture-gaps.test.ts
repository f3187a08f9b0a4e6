import { expect } from 'chai';
import { captureMetrics } from '../../src/api/metrics.js';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
import type { CaptureContext } from '../../src/capture/options.js';
import { formatStatus } from '../../src/cli/commands/status.js';
import { silentLogger } from '../../src/logging/logger.js';
import { readStoreStatus } from '../../src/store/status.js';
import { call, startApi } from '../support/api-app.js';
import { captureAll, recordingLogger, testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';
import {
  expectEveryClientOnce,
  insertClients,
  maxClientId,
  nextClientId,
  openLateTransaction,
  rolledBackClients,
  setNextClientId,
} from '../support/late-commits.js';

/**
 * Capture passes until one writes nothing new (at most 60): however a capture pages through
 * what it re-reads, it gets every chance to find the late rows before the test counts them.
 */
async function captureUntilQuiet(ctx: CaptureContext): Promise<void> {
  const count = async () =>
    Number(
      (
        await ctx.store.db
          .selectFrom('integration.OutboxEvent')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  let before = await count();
  for (let pass = 0; pass < 60; pass++) {
    await captureAll(ctx);
    const after = await count();
    if (after === before) return;
    before = after;
  }
}

describeEachDialect(
  'capture: late commits behind gaps are never lost',
  (suite) => {
    let after: number;
    const ctx = () => testCaptureContext(suite.db);
    const late = (n: number, prefix: string) => openLateTransaction(suite.db, () => suite.openAnother('late-writer'), n, prefix);
    /** One committed client above whatever is pending below it. */
    const commitOneAbove = () => insertClients(suite.db.db, 1, 'Above');

    before(async function () {
      this.timeout(120_000);
      await captureAll(ctx()); // watermarks start at the seed data
    });

    beforeEach(async () => {
      await captureAll(ctx());
      after = await maxClientId(suite.db);
    });

    it('re-reads late rows committed above 1,000 rolled-back keys (a failed import)', async function () {
      this.timeout(120_000);
      await rolledBackClients(suite.db, 1000);
      const pending = await late(5, 'LateAbove');
      await commitOneAbove();
      await captureAll(ctx());
      await pending.commit();
      await captureUntilQuiet(ctx());
      await expectEveryClientOnce(suite.db, after);
    });

    it('re-reads late rows interleaved at both ends of 1,000 rolled-back keys', async function () {
      this.timeout(120_000);
      const below = await late(5, 'LateBelow');
      await rolledBackClients(suite.db, 1000);
      const above = await late(5, 'LateAbove');
      await commitOneAbove();
      await captureAll(ctx());
      await below.commit();
      await captureAll(ctx());
      await above.commit();
      await captureUntilQuiet(ctx());
      await expectEveryClientOnce(suite.db, after);
    });

    it('captures all of a late transaction of 12,000 rows committed after a row above it', async function () {
      this.timeout(300_000);
      const pending = await late(12_000, 'Late12k');
      await commitOneAbove();
      await captureAll(ctx());
      await pending.commit();
      await captureUntilQuiet(ctx());
      await expectEveryClientOnce(suite.db, after);
    });

    it('captures all of one late transaction of 25,000 rows', async function () {
      this.timeout(300_000);
      const pending = await late(25_000, 'Late25k');
      await commitOneAbove();
      await captureAll(ctx());
      await pending.commit();
      await captureUntilQuiet(ctx());
      await expectEveryClientOnce(suite.db, after);
    });

    it('re-reads more ranges than one statement holds, a small batch cutting the read short', async function () {
      this.timeout(120_000);
      for (let i = 0; i < 150; i++) {
        await rolledBackClients(suite.db, 1);
        await insertClients(suite.db.db, 1, `Between${i}`);
      }
      const pending = await late(3, 'LateAfterMany');
      await commitOneAbove();
      await captureAll(ctx());
      const ranges = await suite.db.db
        .selectFrom('integration.CaptureGapRange')
        .select('FirstKey')
        .where('SourceName', '=', 'dbo.Client')
        .where('FirstKey', '>', after)
        .execute();
      expect(ranges).to.have.length(151);
      await pending.commit();
      // Two rows per cycle: the late rows sit in the second statement's ranges and take two cycles.
      await captureUntilQuiet(testCaptureContext(suite.db, { batchSize: 2 }));
      await expectEveryClientOnce(suite.db, after);
    });

    it('keeps an identity jump of 1,000,000 as one gap and loses no late row just above it', async function () {
      this.timeout(120_000);
      const jumpFrom = await nextClientId(suite.db);
      await setNextClientId(suite.db, jumpFrom + 1_000_000); // the identity cache lost in a restart
      const pending = await late(3, 'AfterJump');
      await commitOneAbove();
      await captureAll(ctx());
      await pending.commit();
      await insertClients(suite.db.db, 10, 'Normal');
      await captureUntilQuiet(ctx());
      await expectEveryClientOnce(suite.db, after);
      // The jump is one pending row, not a million keys nor a skip past untracked ones.
      const gaps = await suite.db.db
        .selectFrom('integration.CaptureGapRange')
        .select(['FirstKey', 'LastKey'])
        .where('SourceName', '=', 'dbo.Client')
        .where('FirstKey', '>=', jumpFrom)
        .execute();
      expect(gaps.map((g) => [Number(g.FirstKey), Number(g.LastKey)])).to.deep.equal([[jumpFrom, jumpFrom + 999_999]]);
    });
  },
  { demoCrm: true },
);

describeEachDialect(
  'capture: a gap about to expire, and the keys it gives up',
  (suite) => {
    let now: Date;
    const ctx = (logger = silentLogger()) => testCaptureContext(suite.db, { now: () => now, logger });
    const late = (n: number, prefix: string) => openLateTransaction(suite.db, () => suite.openAnother('late-writer'), n, prefix);

    before(async () => {
      now = new Date('2026-01-28T12:00:00Z');
      await captureAll(ctx());
    });

    it('reads a gap one last time as it expires: a row committed just before is captured once', async () => {
      const after = await maxClientId(suite.db);
      const pending = await late(2, 'LastChance');
      await insertClients(suite.db.db, 1, 'Above');
      await captureAll(ctx());
      now = new Date(now.getTime() + ctx().gapTimeoutMs - 1000);
      await captureAll(ctx());
      await pending.commit();
      now = new Date(now.getTime() + 2000); // the gap is now older than gapTimeoutMs
      await captureAll(ctx());
      await expectEveryClientOnce(suite.db, after);
      expect(await suite.db.db.selectFrom('integration.CaptureGapRange').select('FirstKey').execute()).to.deep.equal([]);
    });

    it('gives up on keys missing longer than gapTimeoutMs: an error naming the object and range, /metrics, outbox status', async () => {
      const { logger, lines } = recordingLogger();
      const api = await startApi(suite.db);
      const loop = new CaptureLoop(ctx(logger), { pollIntervalMs: 60_000, reconcileCron: null }, captureMetrics);
      const scrape = async () => (await call(api.base, 'GET', '/metrics')).text;
      const expired = (text: string) =>
        Number(/^outbox_capture_gap_keys_expired_total\{source="dbo\.Client"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      try {
        const first = await nextClientId(suite.db);
        await rolledBackClients(suite.db, 3);
        await insertClients(suite.db.db, 1, 'Above');
        await loop.runOnce();
        const before = await scrape();
        const earlier = (await readStoreStatus(suite.db, now)).gaps.find((g) => g.source === 'dbo.Client');
        const seen = now;
        now = new Date(now.getTime() + ctx().gapTimeoutMs + 1000);
        await loop.runOnce();

        const errors = lines.filter((l) => l.level === 'error');
        expect(errors.map((l) => l.message)).to.have.length(1);
        expect(errors[0]?.message).to.include(`dbo.Client: gave up on keys ${first}..${first + 2} (3 keys)`);
        expect(expired(await scrape()) - expired(before)).to.equal(3);

        const status = await readStoreStatus(suite.db, now);
        const client = status.gaps.find((g) => g.source === 'dbo.Client');
        expect(client).to.deep.include({ pendingRanges: 0, pendingKeys: 0 });
        expect(client?.expiredRanges).to.equal((earlier?.expiredRanges ?? 0) + 1);
        expect(client?.expiredKeys).to.equal((earlier?.expiredKeys ?? 0) + 3);
        expect(client?.lastExpired).to.deep.equal({
          firstKey: first,
          lastKey: first + 2,
          firstSeenUtc: seen.toISOString(),
          expiredUtc: now.toISOString(),
        });
        expect(formatStatus(status)).to.match(
          new RegExp(
            `dbo\\.Client +none pending; given up [\\d,]+ keys in \\d+ ranges?, last ${first}\\.\\.${first + 2} at ${now.toISOString()}`,
          ),
        );
      } finally {
        await loop.stop();
        await api.close();
      }
    });
  },
  { demoCrm: true },
);
