import { expect } from 'chai';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { postgresDialect } from '../../src/db/dialects/postgres/index.js';
import type { Tables } from '../../src/db/tables.js';
import { PG_PARSERS } from '../../src/db/type-parsers.js';
import { captureCycle } from '../../src/capture/engine.js';
import { KEYED_EVENTS } from '../../src/capture/events/index.js';
import { clients } from '../../src/outbox/crm/sources.js';
import type { Database } from '../../src/db/connect.js';
import type { Db, Trx } from '../../src/db/dialect.js';
import { captureAll, eventsOf, testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';

function newClient(db: Db | Trx, name: string, created = '2026-01-28 10:00:00') {
  return db.insertInto('dbo.Client').values({
    FirstName: name,
    LastName: 'Test',
    Email: null,
    Phone: null,
    StatusID: 42,
    EmployeeID: null,
    AffiliateID: null,
    LeadSource: null,
    CreatedDate: created,
  });
}

async function clientEvents(db: Database) {
  const created = await eventsOf(db, 'client.created');
  const leads = await eventsOf(db, 'lead.created');
  return [...created, ...leads];
}

async function maxClientId(db: Database): Promise<number> {
  const row = await db.db
    .selectFrom('dbo.Client')
    .select((eb) => eb.fn.max('ClientID').as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * A store pool whose connections may be killed under it: pg emits 'error' on a checked-out
 * client whose server went away, which must not end the test process.
 */
async function openKillable(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    types: { getTypeParser: ((oid: number, format?: string) => PG_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as never)) as never },
  });
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: postgresDialect, role: 'victim', target: parseDatabaseUrl(url), close: () => db.destroy() };
}

describeEachDialect(
  'capture: exactly once through late commits, crashes and a second instance',
  (suite) => {
    before(async () => {
      await captureAll(testCaptureContext(suite.db)); // watermarks start at the seed data
      await newClient(suite.db.db, 'Warmup').execute();
      await captureAll(testCaptureContext(suite.db));
      // The seed moves each identity to 100 past explicit ids 1..9: those never-used keys are gaps
      // that would expire after gapTimeoutMs; forget them so each test sees only its own.
      await suite.db.db.deleteFrom('integration.CaptureGapRange').execute();
    });

    it('captures a row that commits after a higher id was captured (two connections), once', async function () {
      if (suite.dialect === 'pglite') {
        console.log('      skipped on pglite: one embedded connection cannot hold a transaction open beside another');
        this.skip();
      }
      const holder = await suite.openAnother('late-writer');
      const ctx = testCaptureContext(suite.db);
      let inserted!: () => void;
      const insertedPromise = new Promise<void>((resolve) => (inserted = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const late = holder.db.transaction().execute(async (trx) => {
        await newClient(trx, 'Late').execute();
        inserted();
        await released;
      });
      await insertedPromise;
      const named = async () => (await clientEvents(suite.db)).map((e) => String(e.payload['first_name'])).filter((n) => n !== 'Warmup');
      let names: string[];
      try {
        await newClient(suite.db.db, 'Early').execute(); // a higher id, committed first
        await captureAll(ctx);
        names = await named();
        expect(names).to.deep.equal(['Early']);
        const gaps = await suite.db.db
          .selectFrom('integration.CaptureGapRange')
          .select('FirstKey')
          .where('SourceName', '=', 'dbo.Client')
          .execute();
        expect(gaps).to.have.length(1);
      } finally {
        release();
        await late;
      }
      await captureAll(ctx);
      await captureAll(ctx);
      names = await named();
      expect(names.sort()).to.deep.equal(['Early', 'Late']);
      const left = await suite.db.db
        .selectFrom('integration.CaptureGapRange')
        .select('FirstKey')
        .where('SourceName', '=', 'dbo.Client')
        .execute();
      expect(left).to.deep.equal([]);
    });

    it('forgets a missing key (a rollback) after capture.gapTimeoutMs', async () => {
      let now = new Date('2026-01-28T12:00:00Z');
      const ctx = testCaptureContext(suite.db, { now: () => now });
      // Burn an id with a rolled-back insert: the key is never committed.
      await suite.db.db
        .transaction()
        .execute(async (trx) => {
          await newClient(trx, 'Never').execute();
          throw new Error('rollback');
        })
        .catch(() => undefined);
      await newClient(suite.db.db, 'After').execute();
      await captureAll(ctx);
      expect(await suite.db.db.selectFrom('integration.CaptureGapRange').select('FirstKey').execute()).to.have.length(1);
      now = new Date(now.getTime() + ctx.gapTimeoutMs + 1000);
      await captureAll(ctx);
      expect(await suite.db.db.selectFrom('integration.CaptureGapRange').select('FirstKey').execute()).to.deep.equal([]);
    });

    it('loses nothing and writes nothing twice when the connection dies between the outbox insert and the commit', async () => {
      const victim = suite.dialect === 'postgres' ? await openKillable(suite.url) : suite.db;
      for (let i = 0; i < 20; i++) await newClient(suite.db.db, `Crash${i}`).execute();
      const ctx = testCaptureContext(victim);
      const crash = await captureCycle(ctx, clients, KEYED_EVENTS, {
        async beforeCommit(trx) {
          const written = await trx
            .selectFrom('integration.OutboxEvent')
            .select('EventId')
            .where('SourceKey', 'like', 'dbo.Client:%')
            .execute();
          expect(written.length).to.be.greaterThan(0);
          if (suite.dialect === 'postgres') await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(trx);
          throw new Error('process killed before commit');
        },
      }).catch((error: Error) => error);
      expect(crash).to.be.instanceOf(Error);
      const restarted = testCaptureContext(suite.db);
      await captureAll(restarted);
      await captureAll(restarted);
      const events = (await clientEvents(suite.db)).filter((e) => String(e.payload['first_name']).startsWith('Crash'));
      expect(events).to.have.length(20);
      expect(new Set(events.map((e) => e.sourceKey)).size).to.equal(20);
      if (victim !== suite.db) await victim.close();
    });

    it('two capture loops at once write each event once', async () => {
      const other = suite.dialect === 'pglite' ? suite.db : await suite.openAnother('second-instance');
      const first = testCaptureContext(suite.db, { batchSize: 7 });
      const second = testCaptureContext(other, { batchSize: 7 });
      const start = await maxClientId(suite.db);
      const writer = (async () => {
        for (let i = 0; i < 10; i++) {
          for (let j = 0; j < 10; j++) await newClient(suite.db.db, `Twin${i}-${j}`).execute();
        }
      })();
      const loop = async (ctx: typeof first) => {
        for (let i = 0; i < 15; i++) await captureAll(ctx);
      };
      await Promise.all([writer, loop(first), loop(second)]);
      await captureAll(first);
      const events = (await clientEvents(suite.db)).filter((e) => Number(e.payload['client_id']) > start);
      expect(events).to.have.length(100);
      expect(new Set(events.map((e) => e.payload['client_id'])).size).to.equal(100);
    });

    it("converts the CRM's local time to UTC across both DST changes (America/New_York)", async () => {
      const ctx = testCaptureContext(suite.db, { zone: 'America/New_York' });
      const start = await maxClientId(suite.db);
      const cases: [string, string][] = [
        ['2026-03-08 01:30:00', '2026-03-08T06:30:00.000Z'], // EST, UTC-5, before spring forward
        ['2026-03-08 03:30:00', '2026-03-08T07:30:00.000Z'], // EDT, UTC-4, after
        ['2026-11-01 00:30:00', '2026-11-01T04:30:00.000Z'], // EDT before fall back
        ['2026-11-01 02:30:00', '2026-11-01T07:30:00.000Z'], // EST after
        ['2026-07-04 12:00:00.250', '2026-07-04T16:00:00.250Z'],
      ];
      for (const [local] of cases) await newClient(suite.db.db, 'Dst', local).execute();
      await captureAll(ctx);
      const events = (await clientEvents(suite.db))
        .filter((e) => Number(e.payload['client_id']) > start)
        .sort((a, b) => Number(a.payload['client_id']) - Number(b.payload['client_id']));
      expect(events.map((e) => e.payload['created_date'])).to.deep.equal(cases.map(([, utc]) => utc));
      expect(events.map((e) => e.createdUtc)).to.deep.equal(cases.map(([, utc]) => new Date(utc).toISOString()));
    });
  },
  { demoCrm: true },
);
