import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { validateConfig } from '../../src/config/load.js';
import { captureCycle } from '../../src/capture/engine.js';
import { KEYED_EVENTS } from '../../src/capture/events/index.js';
import { clients, payments } from '../../src/outbox/crm/sources.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { captureAll, testCaptureContext } from '../support/capture.js';
import { createTestDatabase } from '../support/databases.js';
import { benchDialect } from '../support/bench-dialect.js';
import { captureSeed } from '../support/capture-seed.js';

const seed = captureSeed(benchDialect());

async function withBenchDatabase<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const test = await createTestDatabase(benchDialect());
  const db = await openDatabase(parseDatabaseUrl(test.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 4 });
  try {
    await migrate(db, silentLogger());
    await ensureDemoCrm(db);
    return await run(db);
  } finally {
    await db.close();
    await test.drop();
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await timed(run));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/** 100,000 new clients captured into the outbox, the source clock read in `zone`. */
async function burst(zone: string): Promise<void> {
  await withBenchDatabase(async (db) => {
    // The service's own batch size: the burst drains as `outbox run` would drain it.
    const ctx = testCaptureContext(db, { batchSize: validateConfig({}).capture.batchSize, zone });
    await captureAll(ctx);
    await seed.clients(100_000).execute(db.db);
    const ms = await timed(async () => {
      for (;;) {
        const result = await captureCycle(ctx, clients, KEYED_EVENTS);
        if (result.status !== 'captured' || !result.full) break;
      }
    });
    const count = await db.db
      .selectFrom('integration.OutboxEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `capture burst on ${benchDialect()} (${zone}): ${Number(count.n)} events from 100,000 new clients in ${(ms / 1000).toFixed(2)} s = ${Math.round(Number(count.n) / (ms / 1000))} events/s (goal >= 20,000)`,
    );
  });
}

async function invoiceCycles(invoices: number): Promise<{ idle: number; fast: number }> {
  return withBenchDatabase(async (db) => {
    await seed.invoices(invoices).execute(db.db);
    // Half the invoices have a payment, as a CRM in use for a while would.
    await seed.payEvenInvoices().execute(db.db);
    await seed.analyze().execute(db.db);
    const ctx = testCaptureContext(db, { batchSize: 5000 });
    await captureAll(ctx);
    const idle = await median(21, () => captureCycle(ctx, clients, KEYED_EVENTS));
    let next = 101;
    const fast = await median(21, async () => {
      // Ten new payments on unpaid invoices: the fast path re-reads only those ten invoices.
      await seed.payTenOddInvoices(next).execute(db.db);
      next += 10;
      return captureCycle(ctx, payments, KEYED_EVENTS);
    });
    return { idle, fast };
  });
}

/**
 * Idle cycles of dbo.Client (100,000 clients captured) with the 100,000 keys of a rolled-back
 * import pending below a committed row (one range, re-read with one index seek per cycle) and
 * without it, alternately, so the two medians see the same load on a shared machine: first
 * while the rolled-back rows are still dead tuples in the table and its index (the seek steps
 * over them until a vacuum), then after the VACUUM that autovacuum runs soon after such a rollback.
 */
async function deadGapCycles(): Promise<{ before: Paired; after: Paired | null; pendingRanges: number }> {
  return withBenchDatabase(async (db) => {
    const insert = (n: number) => seed.bareClients(n);
    await insert(100_000).execute(db.db);
    await seed.analyze().execute(db.db);
    const ctx = testCaptureContext(db, { batchSize: validateConfig({}).capture.batchSize });
    await captureAll(ctx); // the watermarks start at the 100,000 clients
    await db.db
      .transaction()
      .execute(async (trx) => {
        await insert(100_000).execute(trx);
        throw new Error('the import fails and rolls back');
      })
      .catch(() => undefined);
    await insert(1).execute(db.db);
    await captureAll(ctx); // records the 100,000 dead keys as pending
    const ranges = await db.db.selectFrom('integration.CaptureGapRange').selectAll().where('SourceName', '=', 'dbo.Client').execute();
    const paired = async (): Promise<Paired> => {
      const none: number[] = [];
      const dead: number[] = [];
      for (let i = 0; i < 41; i++) {
        await db.db.deleteFrom('integration.CaptureGapRange').where('SourceName', '=', 'dbo.Client').execute();
        none.push(await timed(() => captureCycle(ctx, clients, KEYED_EVENTS)));
        await db.db.insertInto('integration.CaptureGapRange').values(ranges).execute();
        dead.push(await timed(() => captureCycle(ctx, clients, KEYED_EVENTS)));
      }
      return { none: middle(none), dead: middle(dead) };
    };
    const before = await paired();
    const vacuum = seed.vacuumClients();
    if (!vacuum) return { before, after: null, pendingRanges: ranges.length };
    await vacuum.execute(db.db);
    const after = await paired();
    return { before, after, pendingRanges: ranges.length };
  });
}

interface Paired {
  none: number;
  dead: number;
}

function middle(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function printDeadGapCycles(gaps: Awaited<ReturnType<typeof deadGapCycles>>): void {
  const line = (when: string, p: Paired) =>
    `idle cycle (dbo.Client, 100,000 clients) ${when}: no gap pending ${p.none.toFixed(2)} ms; 100,000 dead gap keys pending (${gaps.pendingRanges} range) ${p.dead.toFixed(2)} ms = ${(p.dead / p.none).toFixed(2)}x (goal <= 2x)`;
  if (!gaps.after) {
    console.log(line('after the rollback', gaps.before));
    return;
  }
  console.log(line('before the vacuum', gaps.before));
  console.log(line('after the vacuum', gaps.after));
}

// A non-UTC zone reads every timestamp through the zone's rules; UTC skips them.
async function bursts(): Promise<void> {
  await burst('UTC');
  await burst('America/New_York');
}

export async function run(): Promise<void> {
  await bursts();
  printDeadGapCycles(await deadGapCycles());
  const small = await invoiceCycles(10_000);
  console.log(
    `idle cycle (dbo.Client), 10,000 invoices: ${small.idle.toFixed(2)} ms; fast-path payment cycle (10 payments): ${small.fast.toFixed(2)} ms`,
  );
  const large = await invoiceCycles(1_000_000);
  console.log(
    `idle cycle (dbo.Client), 1,000,000 invoices: ${large.idle.toFixed(2)} ms; fast-path payment cycle (10 payments): ${large.fast.toFixed(2)} ms`,
  );
  console.log(`fast path at 1,000,000 / at 10,000: ${(large.fast / small.fast).toFixed(2)}x (goal <= 2x)`);
}

if (process.argv[1]?.endsWith('bench/capture.js')) {
  const only = process.argv[2];
  await (only === 'burst' ? bursts() : only === 'gaps' ? deadGapCycles().then(printDeadGapCycles) : run());
}
