import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { openDatabase } from '../../src/db/connect.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { keyWith, startApi } from '../support/api-app.js';
import { createTestDatabase } from '../support/databases.js';
import { percentile } from '../support/percentile.js';

const EVENTS = Number(process.env['OUTBOX_BENCH_PORTAL_EVENTS'] ?? 1_000_000);
const REQUESTS = Number(process.env['OUTBOX_BENCH_PORTAL_REQUESTS'] ?? 20);

/**
 * How long the admin portal's pages take with a million events (and 200,000 deliveries with
 * their attempts) in the PostgreSQL server: each page fetched REQUESTS times with a session
 * cookie, whole HTML read. The baseline is the sign-in page, which reads nothing from the store,
 * fetched the same way in the same run: the ratio is what the store's queries add.
 */
export async function run(): Promise<void> {
  const testDb = await createTestDatabase('postgres');
  const store = await openDatabase(parseDatabaseUrl(testDb.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 4 });
  try {
    await migrate(store, silentLogger());
    const loadStart = performance.now();
    for (let start = 0; start < EVENTS; start += EVENTS / 10) {
      await sql`
        INSERT INTO integration."OutboxEvent" ("EventType", "SourceKey", "CreatedUtc", "CompanyId", "Payload", "Metadata")
        SELECT (ARRAY['client.created','lead.created','payment.succeeded','invoice.created','client.status_changed'])[1 + g % 5],
               'dbo.Client:' || g, now() - make_interval(secs => (${EVENTS} - g) * 0.2), 1,
               '{"client_id":' || g || ',"first_name":"Zoë","last_name":"Example","email":"c' || g || '@example.com"}',
               '{"source":"bench"}'
        FROM generate_series(${start + 1}::bigint, ${start + EVENTS / 10}::bigint) AS g`.execute(store.db);
    }
    await sql`INSERT INTO integration."WebhookSubscription" ("Url", "EventTypes", "Secret") VALUES
      ('https://a.example/hook', '*', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      ('https://b.example/hook', 'client.*', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')`.execute(store.db);
    await sql`
      INSERT INTO integration."WebhookDelivery" ("EventId", "SubscriptionId", "Status", "AttemptCount", "NextAttemptUtc", "LastHttpStatus", "CreatedUtc", "CompletedUtc")
      SELECT e."EventId", 1 + (e."EventId" / 5) % 2, CASE WHEN e."EventId" % 50 = 0 THEN 'failed' ELSE 'succeeded' END, 1, e."CreatedUtc",
             CASE WHEN e."EventId" % 50 = 0 THEN 500 ELSE 200 END, e."CreatedUtc", e."CreatedUtc"
      FROM integration."OutboxEvent" e WHERE e."EventId" % 5 = 0`.execute(store.db);
    await sql`
      INSERT INTO integration."DeliveryAttempt" ("DeliveryId", "SubscriptionId", "EventId", "AttemptNumber", "HttpStatus", "ResponseBody", "ElapsedMs", "AttemptedUtc")
      SELECT d."DeliveryId", d."SubscriptionId", d."EventId", 1, d."LastHttpStatus", 'ok', 12, d."CreatedUtc" FROM integration."WebhookDelivery" d`.execute(
      store.db,
    );
    // As autovacuum leaves a table after a load: statistics, and the visibility map that lets the
    // overview count from an index alone.
    await sql`VACUUM ANALYZE`.execute(store.db);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const api = await startApi(store, { api: { rateLimits: { admin: { perMinute: 1e9, burst: 1e9 } } } });
    try {
      const key = await keyWith(store, 'admin');
      const signIn = await fetch(`${api.base}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key }).toString(),
        redirect: 'manual',
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const day = new Date(Date.now() - 36 * 3600_000).toISOString().slice(0, 16);
      const dayEnd = new Date(Date.now() - 35 * 3600_000).toISOString().slice(0, 16);
      const pages: [string, string][] = [
        ['sign-in page (baseline, no store read)', '/admin/login'],
        ['overview', '/admin'],
        ['events, newest first', '/admin/events'],
        ['events of one type', '/admin/events?type=payment.succeeded'],
        ['events, one hour 36 h back', `/admin/events?from=${day}&to=${dayEnd}`],
        ['events, page half-way down (before=500000)', `/admin/events?before=${Math.round(EVENTS / 2)}`],
        ['one event with its deliveries', `/admin/events/${EVENTS / 2}`],
        ['delivery log, newest first', '/admin/deliveries'],
        ['delivery log, failed of subscription 1', '/admin/deliveries?subscription=1&outcome=failed'],
        ['delivery log, HTTP 500, one hour 36 h back', `/admin/deliveries?status=500&from=${day}&to=${dayEnd}`],
        ['one delivery with its attempts', '/admin/deliveries/1000'],
      ];
      console.log(
        `portal: ${EVENTS.toLocaleString('en-US')} events, 200,000 deliveries and attempts loaded in ${loadSeconds.toFixed(1)} s (PostgreSQL server)`,
      );
      let baseline = 0;
      for (const [name, path] of pages) {
        const times: number[] = [];
        for (let i = 0; i < REQUESTS; i += 1) {
          const t0 = performance.now();
          const answer = await fetch(`${api.base}${path}`, { headers: { cookie }, redirect: 'manual' });
          await answer.text();
          times.push(performance.now() - t0);
          if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}`);
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 50);
        if (baseline === 0) baseline = p50;
        console.log(
          `portal: ${name}: p50 ${p50.toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (p50 ${(p50 / baseline).toFixed(1)}× the sign-in page)`,
        );
      }
    } finally {
      await api.close();
    }
  } finally {
    await store.close();
    await testDb.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
