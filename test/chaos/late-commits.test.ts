import { expect } from 'chai';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ChaosRun } from './support/chaos-run.js';
import { sleep } from './support/crm-writer.js';
import { scaled } from './support/scale.js';

/** Inserts `count` leads in one statement on this connection and returns their ClientIDs. */
async function insertLeads(client: pg.Client, count: number, label: string): Promise<number[]> {
  const result = await client.query<{ ClientID: number }>(
    `INSERT INTO dbo."Client" ("FirstName", "LastName", "StatusID", "LeadSource", "CreatedDate")
     SELECT $1, 'Late' || n, 10, 'chaos', now()::timestamp(3) FROM generate_series(1, $2::int) AS n
     RETURNING "ClientID"`,
    [label, count],
  );
  return result.rows.map((r) => Number(r.ClientID));
}

describe('chaos 7: late commits, rolled-back keys and identity jumps [postgres]', function () {
  this.timeout(scaled(240_000, 600_000));
  let testDb: TestDatabase;
  let run: ChaosRun;
  const connections: pg.Client[] = [];

  before(async () => {
    testDb = await createTestDatabase('postgres');
    run = await ChaosRun.open(testDb.url);
  });
  after(async () => {
    await Promise.allSettled(connections.map((c) => c.end()));
    await run?.close();
    await testDb?.drop();
  });

  async function connection(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    connections.push(client);
    return client;
  }

  async function leadKeys(): Promise<Map<string, number>> {
    const rows = await run.store.db
      .selectFrom('integration.OutboxEvent')
      .select(['SourceKey', (eb) => eb.fn.countAll().as('n')])
      .where('EventType', '=', 'lead.created')
      .groupBy('SourceKey')
      .execute();
    return new Map(rows.map((r) => [r.SourceKey, Number(r.n)]));
  }

  /** Waits until every one of these clients is a lead.created event (or the time is up). */
  async function captured(ids: number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const keys = await leadKeys();
      if (ids.every((id) => keys.has(`dbo.Client:${id}`))) return;
      await sleep(250);
    }
  }

  it('turns every committed row into its event once, whatever order and gaps the identities come in', async () => {
    const service = await run.addService();
    await service.start();
    await run.captureStarted();
    const autocommit = await connection();
    const committed: number[] = [];
    const rolledBack: number[] = [];

    // 1. A block of 1,000 keys that rolls back, below 5 rows that commit late.
    const rollback = await connection();
    const late = await connection();
    await rollback.query('BEGIN');
    rolledBack.push(...(await insertLeads(rollback, 1_000, 'rolled back')));
    await late.query('BEGIN');
    const lateFive = await insertLeads(late, 5, 'late five');
    const above = await insertLeads(autocommit, 20, 'above the late five');
    committed.push(...above);
    await captured(above, 60_000); // the watermark has passed the open keys
    await rollback.query('ROLLBACK');
    await sleep(1_500);
    await late.query('COMMIT');
    committed.push(...lateFive);

    // 2. One late transaction of 12,000 rows.
    const big = await connection();
    await big.query('BEGIN');
    const bigRows = await insertLeads(big, 12_000, 'late twelve thousand');
    const aboveBig = await insertLeads(autocommit, 20, 'above the big one');
    committed.push(...aboveBig);
    await captured(aboveBig, 60_000);
    await sleep(1_500);
    await big.query('COMMIT');
    committed.push(...bigRows);

    // 3. An identity jump of 1,000,000 (a SQL Server identity cache does this after a restart).
    await autocommit.query(
      `SELECT setval(pg_get_serial_sequence('dbo."Client"', 'ClientID'), (SELECT max("ClientID") FROM dbo."Client") + 1000000)`,
    );
    committed.push(...(await insertLeads(autocommit, 10, 'after the jump')));

    await captured(committed, scaled(120_000, 300_000));
    const keys = await leadKeys();
    const missing = committed.filter((id) => !keys.has(`dbo.Client:${id}`));
    const twice = [...keys.values()].filter((n) => n > 1).length;
    const fromRolledBack = rolledBack.filter((id) => keys.has(`dbo.Client:${id}`));
    console.log(
      `      late commits: ${JSON.stringify({
        committed: committed.length,
        events: keys.size,
        missing: missing.length,
        missingByBlock: {
          lateFive: lateFive.filter((id) => missing.includes(id)).length,
          late12000: bigRows.filter((id) => !keys.has(`dbo.Client:${id}`)).length,
          afterJump: committed.slice(-10).filter((id) => missing.includes(id)).length,
        },
        twice,
      })}`,
    );
    expect(missing.length, 'committed rows without their event').to.equal(0);
    expect(twice, 'rows captured twice').to.equal(0);
    expect(fromRolledBack, 'events of rolled-back rows').to.deep.equal([]);
    expect(keys.size).to.equal(committed.length);
  });
});
