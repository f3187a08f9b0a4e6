import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { deliveryMetrics } from '../../src/api/metrics.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { validateConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/connect.js';
import { dispatcherOptions, httpSender } from '../../src/delivery/delivery-service.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { USER_AGENT } from '../../src/delivery/http-sender.js';
import { secretKey, webhookHeaders } from '../../src/delivery/signing.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { silentLogger } from '../../src/logging/logger.js';
import { appendEvents, type NewEvent } from '../../src/outbox/append-events.js';
import { ENVELOPE_COLUMNS, envelopeJson } from '../../src/outbox/envelope.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase } from '../support/databases.js';
import { benchDialect } from '../support/bench-dialect.js';

const EVENTS = Number(process.env['OUTBOX_BENCH_DELIVERY_EVENTS'] ?? 50_000);
const SUBSCRIPTIONS = 2;

/** A keep-alive receiver that answers 200 at once and counts what it got. */
async function startReceiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Deliveries per second from the outbox to a local keep-alive receiver on the PostgreSQL server
 * (50,000 events × 2 subscriptions), against a bare undici loop sending the same signed requests
 * with the same concurrency and no database: the physical limit of this machine, measured in
 * the same run so the ratio holds on a noisy machine.
 */
export async function run(): Promise<void> {
  const config = validateConfig({});
  const options = dispatcherOptions(config);
  const concurrency = SUBSCRIPTIONS * options.perSubscriptionInFlight;
  const testDb = await createTestDatabase(benchDialect());
  const store = await openDatabase(parseDatabaseUrl(testDb.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 10 });
  const receiver = await startReceiver();
  try {
    await migrate(store, silentLogger());
    const secrets: string[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const created = await kyselySubscriptionStore(store, { secretOverlapHours: 24 }).create({ url: receiver.url, eventTypes: ['*'] });
      secrets.push(created.secret);
    }
    const loadStart = performance.now();
    for (let start = 0; start < EVENTS; start += 5000) {
      const events: NewEvent[] = [];
      for (let n = start; n < Math.min(EVENTS, start + 5000); n++) {
        events.push({
          type: 'client.created',
          sourceKey: `bench:${n}`,
          createdUtc: new Date(),
          payload: { client_id: n, first_name: 'Zoë', last_name: 'Example', email: `c${n}@example.com`, amount: 99.5 },
          metadata: { source: 'bench' },
        });
      }
      await store.db.transaction().execute((trx) => appendEvents(trx, store.dialect, 1, events));
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const total = EVENTS * SUBSCRIPTIONS;

    // Baseline: the same signed requests from memory, `concurrency` at a time, no database.
    const bodies = (await store.db.selectFrom('integration.OutboxEvent').select(ENVELOPE_COLUMNS).orderBy('EventId').execute()).map(
      (row) => ({ id: String(row.EventId), json: envelopeJson(row) }),
    );
    const keys = secrets.map((secret) => ({ current: secretKey(secret) }));
    const agent = new Agent({ keepAliveTimeout: 30_000 });
    const target = new URL(receiver.url);
    let next = 0;
    const bareStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < total; i = next++) {
          const body = bodies[i % bodies.length]!;
          const headers = {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            ...webhookHeaders(keys[i % keys.length]!, {
              id: body.id,
              sentAt: new Date(),
              body: body.json,
              type: 'client.created',
              attempt: 1,
            }),
          };
          const response = await agent.request({ origin: target.origin, path: target.pathname, method: 'POST', headers, body: body.json });
          await response.body.text();
        }
      }),
    );
    const bareSeconds = (performance.now() - bareStart) / 1000;
    await agent.close();

    // The dispatcher: claim, load, sign, send, record, from the outbox on the PostgreSQL server.
    const sender = httpSender(config);
    const dispatcher = new Dispatcher(options, { store, logger: silentLogger(), sender, metrics: deliveryMetrics });
    const before = receiver.count();
    const start = performance.now();
    await dispatcher.start();
    while (receiver.count() - before < total) await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.stop();
    const seconds = (performance.now() - start) / 1000;
    await sender.destroy();
    const settled = await store.db
      .selectFrom('integration.WebhookDelivery')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('Status', '=', 'succeeded')
      .executeTakeFirstOrThrow();

    const bareRate = total / bareSeconds;
    const rate = total / seconds;
    const rows = [
      [
        'events × subscriptions',
        `${EVENTS.toLocaleString('en-US')} × ${SUBSCRIPTIONS} (loaded through appendEvents in ${loadSeconds.toFixed(1)} s)`,
      ],
      ['concurrency (both runs)', `${concurrency} requests in flight (${options.perSubscriptionInFlight} per subscription)`],
      ['bare undici loop, no database', `${Math.round(bareRate).toLocaleString('en-US')} requests/s (${bareSeconds.toFixed(2)} s)`],
      ['dispatcher from the outbox', `${Math.round(rate).toLocaleString('en-US')} deliveries/s (${seconds.toFixed(2)} s)`],
      ['ratio (goal ≥ 40%)', `${((100 * rate) / bareRate).toFixed(0)}%`],
      ['deliveries recorded succeeded', `${Number(settled.n).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`],
    ];
    for (const [label, value] of rows) process.stdout.write(`${label!.padEnd(32)} ${value}\n`);
  } finally {
    await receiver.close();
    await store.close();
    await testDb.drop();
  }
}
