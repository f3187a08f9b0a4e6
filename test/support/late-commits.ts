import { expect } from 'chai';
import { sql } from 'kysely';
import type { Database } from '../../src/db/connect.js';
import type { Db } from '../../src/db/dialect.js';

/**
 * n new dbo.Client rows in one statement, named `${prefix}${i}`. The numbers come from a cross
 * join of digit tables, which both engines run unchanged (SQL Server before 2022 has no
 * generate_series); each new row takes the next identity value.
 */
export async function insertClients(db: Db, n: number, prefix: string): Promise<void> {
  if (n > 99_999) throw new Error('insertClients makes at most 99,999 rows per statement');
  const digits = sql.raw('(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9))');
  await sql`
    INSERT INTO ${sql.table('dbo.Client')} (${sql.ref('FirstName')}, ${sql.ref('LastName')}, ${sql.ref('StatusID')}, ${sql.ref('CreatedDate')})
    SELECT CONCAT(${sql.lit(prefix)}, a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d), 'Late', 42, '2026-01-28 10:00:00'
    FROM ${digits} AS a(d) CROSS JOIN ${digits} AS b(d) CROSS JOIN ${digits} AS c(d) CROSS JOIN ${digits} AS e(d) CROSS JOIN ${digits} AS f(d)
    WHERE a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d < ${sql.lit(n)}`.execute(db);
}

/** n client inserts that roll back: their identity values are burnt, as a failed import's are. */
export async function rolledBackClients(db: Database, n: number): Promise<void> {
  const rollback = new Error('rolled back on purpose');
  const outcome = await db.db
    .transaction()
    .execute(async (trx) => {
      await insertClients(trx, n, 'Dead');
      throw rollback;
    })
    .catch((error: unknown) => error);
  expect(outcome).to.equal(rollback);
}

/** The identity value the next dbo.Client insert takes. */
export async function nextClientId(db: Database): Promise<number> {
  if (db.dialect.name === 'mssql') {
    const { rows } = await sql<{ next: number }>`SELECT CAST(IDENT_CURRENT('dbo.Client') AS bigint) + 1 AS next`.execute(db.db);
    return Number(rows[0]?.next);
  }
  // last_value is the last value handed out once is_called is set, else the first to hand out.
  const { rows } = await sql<{ next: string }>`
    SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next FROM dbo."Client_ClientID_seq"`.execute(db.db);
  return Number(rows[0]?.next);
}

/** Moves dbo.Client's identity on so the next insert takes `next`, as an identity cache jump does. */
export async function setNextClientId(db: Database, next: number): Promise<void> {
  if (db.dialect.name === 'mssql') await sql.raw(`DBCC CHECKIDENT ('dbo.Client', RESEED, ${next - 1})`).execute(db.db);
  else await sql`SELECT setval(pg_get_serial_sequence('dbo."Client"', 'ClientID'), ${sql.lit(next - 1)})`.execute(db.db);
}

/** A CRM transaction that inserted clients and has not committed yet. */
export interface LateTransaction {
  /** The identity values its rows hold. */
  readonly first: number;
  readonly last: number;
  /** Commits; `into` is the database PGlite's rows go into when it was closed and opened again meanwhile. */
  commit(into?: Database): Promise<void>;
}

/**
 * Opens a transaction that inserts n clients and waits. On a server engine it is a real open
 * transaction on its own connection: the rows are invisible to every other connection until
 * commit(). PGlite is one connection, which cannot hold a transaction beside the capture's, so
 * there the same visibility is made by taking the n identity values now and inserting the rows
 * with those values at commit(): to a reader the two are indistinguishable.
 */
export async function openLateTransaction(
  db: Database,
  openAnother: () => Promise<Database>,
  n: number,
  prefix: string,
): Promise<LateTransaction> {
  const first = await nextClientId(db);
  const last = first + n - 1;
  if (db.dialect.name === 'postgres' && db.target.kind === 'pglite') {
    await setNextClientId(db, last + 1);
    return {
      first,
      last,
      commit: (into = db) => insertClientsWithIds(into, first, n, prefix),
    };
  }
  const holder = await openAnother();
  let inserted!: () => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((inserted = resolve), (failed = reject)));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = holder.db.transaction().execute(async (trx) => {
    await insertClients(trx, n, prefix);
    inserted();
    await released;
  });
  done.catch(failed);
  await ready;
  return {
    first,
    last,
    async commit() {
      release();
      await done;
    },
  };
}

/** n clients with the identity values first .. first + n - 1 (PGlite's late commit). */
async function insertClientsWithIds(db: Database, first: number, n: number, prefix: string): Promise<void> {
  const digits = sql.raw('(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9))');
  await sql`
    INSERT INTO dbo."Client" ("ClientID", "FirstName", "LastName", "StatusID", "CreatedDate")
    SELECT ${sql.lit(first)} + g, CONCAT(${sql.lit(prefix)}, g), 'Late', 42, '2026-01-28 10:00:00'
    FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS g
          FROM ${digits} AS a(d) CROSS JOIN ${digits} AS b(d) CROSS JOIN ${digits} AS c(d) CROSS JOIN ${digits} AS e(d) CROSS JOIN ${digits} AS f(d)) AS n
    WHERE g < ${sql.lit(n)}`.execute(db.db);
}

/** The highest dbo.Client key committed so far (0 for none). */
export async function maxClientId(db: Database): Promise<number> {
  const row = await db.db
    .selectFrom('dbo.Client')
    .select((eb) => eb.fn.max('ClientID').as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

/** How many created events (client.created or lead.created) each client above `after` has. */
export async function clientEventCounts(db: Database, after: number): Promise<Map<number, number>> {
  const events = await db.db
    .selectFrom('integration.OutboxEvent')
    .select('SourceKey')
    .where('EventType', 'in', ['client.created', 'lead.created'])
    .execute();
  const counts = new Map<number, number>();
  for (const { SourceKey } of events) {
    const key = Number(SourceKey.slice('dbo.Client:'.length));
    if (key > after) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The promise itself: every client committed above `after` has exactly one event (client.created
 * or lead.created, whichever its status makes), and no event names a client that is not there.
 */
export async function expectEveryClientOnce(db: Database, after: number): Promise<void> {
  const committed = (await db.db.selectFrom('dbo.Client').select('ClientID').where('ClientID', '>', after).execute()).map((r) =>
    Number(r.ClientID),
  );
  const counts = await clientEventCounts(db, after);
  const missing = committed.filter((key) => !counts.has(key)).sort((a, b) => a - b);
  const twice = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
  const known = new Set(committed);
  const phantom = [...counts.keys()].filter((key) => !known.has(key));
  const sample = (keys: number[]) => `${keys.length} (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''})`;
  expect(missing, `committed clients without an event: ${sample(missing)}`).to.have.length(0);
  expect(twice, `clients with two events: ${sample(twice)}`).to.have.length(0);
  expect(phantom, `events of clients never committed: ${sample(phantom)}`).to.have.length(0);
  expect(committed.length).to.be.greaterThan(0);
}
