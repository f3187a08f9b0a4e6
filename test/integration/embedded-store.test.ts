import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sql } from 'kysely';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';

interface Row {
  n: number;
}

/** The embedded store served to other commands: the service's own work and theirs take turns. */
describe('the embedded store served over the PostgreSQL protocol', function () {
  this.timeout(120_000);
  let dir: string;
  let store: Database;
  let client: pg.Client;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-embedded-'));
    store = await openDatabase(parseDatabaseUrl(`pglite:${path.join(dir, 'store')}`), {
      role: 'store',
      connectTimeoutMs: 15_000,
      poolMax: 1,
      serveEmbedded: true,
    });
    const served = store.embedded?.served;
    expect(served, 'the service serves its embedded store').to.be.an('object');
    client = new pg.Client({ host: served!.host, port: served!.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    await sql`CREATE TABLE turns (n int NOT NULL)`.execute(store.db);
  });

  after(async () => {
    await client?.end().catch(() => undefined);
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await sql`DELETE FROM turns`.execute(store.db);
  });

  const rows = async () => (await sql<Row>`SELECT n FROM turns ORDER BY n`.execute(store.db)).rows.map((row) => row.n);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("keeps a served client's statement out of the service's transaction, which then rolls back", async () => {
    let clientInsert: Promise<unknown> | undefined;
    await store.db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO turns VALUES (1)`.execute(trx);
        clientInsert = client.query('INSERT INTO turns VALUES (2)');
        await pause(300);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await clientInsert;
    expect(await rows()).to.deep.equal([2]);
  });

  it("keeps the service's statements out of a served client's transaction, which then rolls back", async () => {
    await client.query('BEGIN');
    await client.query('INSERT INTO turns VALUES (3)');
    const serviceInsert = sql`INSERT INTO turns VALUES (4)`.execute(store.db);
    await pause(300);
    await client.query('ROLLBACK');
    await serviceInsert;
    expect(await rows()).to.deep.equal([4]);
  });

  it("rolls back a served client's open transaction when it disconnects, and the service goes on", async () => {
    const served = store.embedded!.served!;
    const leaving = new pg.Client({ host: served.host, port: served.port, user: 'postgres', database: 'postgres' });
    await leaving.connect();
    await leaving.query('BEGIN');
    await leaving.query('INSERT INTO turns VALUES (5)');
    const serviceInsert = sql`INSERT INTO turns VALUES (6)`.execute(store.db);
    await leaving.end();
    await serviceInsert;
    expect(await rows()).to.deep.equal([6]);
  });

  it('answers parameterised queries from a client and the service interleaved, each with its own result', async () => {
    const served = store.embedded!.served!;
    const pool = new pg.Pool({ host: served.host, port: served.port, user: 'postgres', database: 'postgres', max: 3 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? pool.query<{ v: number }>('SELECT $1::int AS v', [i]).then((r) => r.rows[0]?.v)
          : sql<{ v: number }>`SELECT ${i}::int AS v`.execute(store.db).then((r) => r.rows[0]?.v),
      ),
    );
    await pool.end();
    expect(results).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
  });
});
