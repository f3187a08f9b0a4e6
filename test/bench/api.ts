import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { openDatabase } from '../../src/db/connect.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { call, keyWith, startApi } from '../support/api-app.js';
import { createTestDatabase } from '../support/databases.js';
import { percentile } from '../support/percentile.js';

const EVENTS = Number(process.env['OUTBOX_BENCH_API_EVENTS'] ?? 1_000_000);
const PAGE = 500;
/** Pages read per measurement: enough for a stable p99 while keeping the bench under two minutes. */
const PAGES = Number(process.env['OUTBOX_BENCH_API_PAGES'] ?? 1000);

/**
 * Polling throughput of GET /api/v1/events (limit 500) and the p99 latency of one page, on the
 * PostgreSQL server with a million events in the outbox. The baseline is the same page query
 * run directly through Kysely in the same process, so the ratio is the cost of the HTTP layer
 * (auth, validation, envelope building, serialisation).
 */
export async function run(): Promise<void> {
  const testDb = await createTestDatabase('postgres');
  const store = await openDatabase(parseDatabaseUrl(testDb.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 4 });
  try {
    await migrate(store, silentLogger());
    const loadStart = performance.now();
    // Ten transactions, so pages cross transaction ids as they do in production.
    for (let start = 0; start < EVENTS; start += EVENTS / 10) {
      await sql`
        INSERT INTO integration."OutboxEvent" ("EventType", "SourceKey", "CreatedUtc", "CompanyId", "Payload", "Metadata")
        SELECT (ARRAY['client.created','lead.created','payment.succeeded','invoice.created','client.status_changed'])[1 + g % 5],
               'bench:' || g, now() - make_interval(secs => ${EVENTS} - g), 1,
               '{"client_id":' || g || ',"first_name":"Zoë","last_name":"Example","email":"c' || g || '@example.com","amount":' || (g % 997) || '.5}',
               '{"source":"bench"}'
        FROM generate_series(${start + 1}::bigint, ${start + EVENTS / 10}::bigint) AS g`.execute(store.db);
    }
    await sql`ANALYZE integration."OutboxEvent"`.execute(store.db);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    // Baseline: the dialect's page query, no HTTP.
    let after = { key: null as string | null, eventId: 0 };
    const directStart = performance.now();
    let directEvents = 0;
    for (let i = 0; i < PAGES; i += 1) {
      const rows = await store.dialect.api.pageEvents(store.db, { after, types: [], limit: PAGE, order: 'asc' });
      directEvents += rows.length;
      const last = rows.at(-1);
      if (!last) break;
      after = { key: last.Position, eventId: Number(last.EventId) };
    }
    const directRate = directEvents / ((performance.now() - directStart) / 1000);

    const api = await startApi(store, { api: { keyCacheMs: 60_000, rateLimits: { read: { perMinute: 1e9, burst: 1e9 } } } });
    try {
      const key = await keyWith(store, 'events:read');
      const latencies: number[] = [];
      let cursor = '';
      let read = 0;
      const httpStart = performance.now();
      for (let i = 0; i < PAGES; i += 1) {
        const t0 = performance.now();
        const answer = await call(api.base, 'GET', `/api/v1/events?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`, key);
        latencies.push(performance.now() - t0);
        if (answer.status !== 200) throw new Error(`page ${i}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
        read += answer.body.data.length;
        cursor = answer.body.next_cursor;
        if (answer.body.data.length === 0) break;
      }
      const httpRate = read / ((performance.now() - httpStart) / 1000);
      // A typed poll deep in the outbox: one type, from the start.
      const typed: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const t0 = performance.now();
        await call(api.base, 'GET', `/api/v1/events?type=payment.succeeded&limit=${PAGE}`, key);
        typed.push(performance.now() - t0);
      }
      latencies.sort((a, b) => a - b);
      typed.sort((a, b) => a - b);
      console.log(`api: ${EVENTS.toLocaleString('en-US')} events loaded in ${loadSeconds.toFixed(1)} s (PostgreSQL server)`);
      console.log(
        `api: polling GET /api/v1/events limit ${PAGE}: ${Math.round(httpRate).toLocaleString('en-US')} events/s over ${read.toLocaleString('en-US')} events`,
      );
      console.log(
        `api: page latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
      );
      console.log(`api: type-filtered page p99 ${percentile(typed, 99).toFixed(1)} ms`);
      console.log(
        `api: baseline (same page query without HTTP) ${Math.round(directRate).toLocaleString('en-US')} events/s; HTTP/baseline ${(httpRate / directRate).toFixed(2)}`,
      );
    } finally {
      await api.close();
    }
  } finally {
    await store.close();
    await testDb.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
