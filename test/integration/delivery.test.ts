import { isBabelfish } from '../../src/db/dialects/mssql/engine.js';
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { sql } from 'kysely';
import winston from 'winston';
import { recoverDeliveries, resendDelivery } from '../../src/delivery/delivery-store.js';
import type { Sender } from '../../src/delivery/dispatcher.js';
import { USER_AGENT, type SendResult } from '../../src/delivery/http-sender.js';
import { settleAttempt } from '../../src/delivery/outcome.js';
import { writeResults } from '../../src/delivery/result-writer.js';
import { secretKey } from '../../src/delivery/signing.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents } from '../../src/outbox/append-events.js';
import { ENVELOPE_COLUMNS, envelopeJson } from '../../src/outbox/envelope.js';
import type { EventType } from '../../src/outbox/event-types.js';
import { call, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';
import { TestClock, testDispatcher, type TestDispatcher } from '../support/dispatcher.js';
import { Receiver } from '../support/receiver.js';

describeEachDialect('webhook delivery', (suite) => {
  let receiver: Receiver;
  let keyCounter = 0;
  const running: TestDispatcher[] = [];

  const subscriptions = () => kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 });
  const subscribe = async (url: string, types: string[] = ['*']) => subscriptions().create({ url, eventTypes: types });
  const append = async (count: number, type: EventType = 'client.created') => {
    const events = Array.from({ length: count }, () => {
      keyCounter += 1;
      return { type, sourceKey: `test:${keyCounter}`, createdUtc: new Date(), payload: { n: keyCounter }, metadata: {} };
    });
    await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 1, events));
  };
  const deliveries = (subscriptionId: number) =>
    suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .selectAll()
      .where('SubscriptionId', '=', subscriptionId)
      .orderBy('DeliveryId')
      .execute();
  const attempts = (subscriptionId: number) =>
    suite.db.db
      .selectFrom('integration.DeliveryAttempt')
      .selectAll()
      .where('SubscriptionId', '=', subscriptionId)
      .orderBy('AttemptId')
      .execute();
  const dispatcher = (setup: Parameters<typeof testDispatcher>[1] = {}) => {
    const made = testDispatcher(suite.db, setup);
    running.push(made);
    return made;
  };

  beforeEach(async () => {
    receiver = await Receiver.start();
  });

  afterEach(async () => {
    for (const made of running.splice(0)) await made.close();
    await receiver.close();
    // Each test starts with no subscription (their deliveries and attempts go with them).
    await suite.db.db.deleteFrom('integration.WebhookSubscription').execute();
  });

  it('POSTs the envelope, signed both ways, verifiable with standardwebhooks and by hand', async () => {
    const { subscription, secret } = await subscribe(`${receiver.url}/hook?x=1`, ['client.*']);
    await append(1);
    await append(1, 'payment.failed');
    const { drain } = dispatcher();
    expect(await drain()).to.equal(1);
    expect(receiver.requests).to.have.length(1);
    const [request] = receiver.requests;
    const [delivery] = await deliveries(subscription.id);
    const event = await suite.db.db
      .selectFrom('integration.OutboxEvent')
      .select(ENVELOPE_COLUMNS)
      .where('EventId', '=', delivery!.EventId)
      .executeTakeFirstOrThrow();
    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal('/hook?x=1');
    expect(request!.body).to.equal(envelopeJson(event));
    expect(request!.headers).to.include({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': String(event.EventId),
      'x-webhook-event': 'client.created',
      'x-webhook-attempt': '1',
    });
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as { id: number };
    expect(verified.id).to.equal(Number(event.EventId));
    const hex = createHmac('sha256', secretKey(secret)).update(request!.body).digest('hex');
    expect(request!.headers['x-webhook-signature']).to.equal(`sha256=${hex}`);
    expect(delivery).to.include({ Status: 'succeeded', AttemptCount: 1, LastHttpStatus: 200, LeaseOwner: null });
    const [attempt] = await attempts(subscription.id);
    expect(attempt).to.include({ AttemptNumber: 1, HttpStatus: 200, ErrorClass: null, ResponseBody: 'ok' });
    expect(Number(attempt!.EventId)).to.equal(Number(event.EventId));
  });

  it('feeds /metrics: deliveries by outcome, attempt latency, queue depth', async () => {
    const api = await startApi(suite.db);
    try {
      const metric = async (pattern: RegExp) => Number(pattern.exec((await call(api.base, 'GET', '/metrics')).text)?.[1] ?? 0);
      const succeeded = /^outbox_deliveries_total\{outcome="succeeded"\} (\d+)$/m;
      const retried = /^outbox_deliveries_total\{outcome="retried"\} (\d+)$/m;
      const timed = /^outbox_delivery_attempt_duration_seconds_count\{outcome="success"\} (\d+)$/m;
      const [ok0, retry0, timed0] = [await metric(succeeded), await metric(retried), await metric(timed)];
      await subscribe(receiver.url);
      await append(3);
      expect(await metric(/^outbox_delivery_queue_depth (\d+)$/m)).to.equal(3);
      const { drain } = dispatcher();
      await drain();
      receiver.reply = () => ({ status: 500 });
      await append(1);
      await drain();
      expect(await metric(succeeded)).to.equal(ok0 + 3);
      expect(await metric(retried)).to.equal(retry0 + 1);
      expect(await metric(timed)).to.equal(timed0 + 3);
      expect(await metric(/^outbox_delivery_queue_depth (\d+)$/m)).to.equal(1);
    } finally {
      await api.close();
    }
  });

  it('after a rotation signs with the new and the old secret until the overlap ends', async () => {
    const { subscription, secret: oldSecret } = await subscribe(receiver.url);
    const rotated = await subscriptions().rotateSecret(subscription.id);
    await append(1);
    await dispatcher().drain();
    const [request] = receiver.requests;
    for (const secret of [oldSecret, rotated!.secret]) {
      expect(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).to.be.an('object');
    }
    const clock = new TestClock();
    clock.advance(25 * 3600_000);
    await append(1);
    await dispatcher({ clock }).drain();
    const later = receiver.requests[1]!;
    expect(String(later.headers['webhook-signature']).split(' ')).to.have.length(1);
    expect(() => new Webhook(oldSecret).verify(later.body, later.headers as Record<string, string>)).to.throw();
  });

  it('retries on the schedule with the same webhook-id, then fails and leaves the event for pollers', async () => {
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 500, body: 'busy' });
    await append(1);
    const { drain, clock } = dispatcher({ options: { circuit: { failureThreshold: 100, openMs: 1000, maxOpenMs: 1000 } } });
    const schedule = [10, 30, 120, 300, 900, 1800, 3600, 7200, 18000, 36000];
    expect(await drain()).to.equal(1);
    for (const seconds of schedule) {
      const [pending] = await deliveries(subscription.id);
      expect(pending).to.include({ Status: 'pending', LastHttpStatus: 500 });
      // Not early: nothing is due halfway to the scheduled retry (half, so a slow machine's own
      // seconds cannot make it due).
      clock.advance(seconds * 500);
      expect(await drain(), `before the ${seconds} s retry`).to.equal(0);
      clock.advance(seconds * 500);
      expect(await drain(), `the ${seconds} s retry`).to.equal(1);
    }
    const [failed] = await deliveries(subscription.id);
    expect(failed).to.include({ Status: 'failed', AttemptCount: 11, LastError: 'HTTP 500' });
    expect((await attempts(subscription.id)).map((a) => a.AttemptNumber)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).to.equal(1);
    expect(receiver.requests.map((r) => r.headers['x-webhook-attempt'])).to.deep.equal(schedule.map((_, i) => String(i + 1)).concat('11'));
    const event = await suite.db.db
      .selectFrom('integration.OutboxEvent')
      .select('EventId')
      .where('EventId', '=', failed!.EventId)
      .execute();
    expect(event).to.have.length(1);
  });

  it('honours Retry-After on 429, and records timeouts, refusals and 4,000 characters of body', async () => {
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    await append(1);
    const { drain, clock } = dispatcher({ config: { delivery: { timeoutMs: 300 } } });
    await drain();
    const [limited] = await deliveries(subscription.id);
    expect(new Date(limited!.NextAttemptUtc).getTime() - clock.now().getTime()).to.be.within(119_000, 120_500);

    receiver.reply = () => ({ status: 200, body: 'late', delayMs: 2000 });
    clock.advance(120_000);
    await drain();
    receiver.reply = () => ({ status: 502, body: `${'x'.repeat(4100)}TAIL` });
    clock.advance(60_000);
    await drain();
    // Redirects are not followed: a 3xx is a failed attempt like any other.
    receiver.reply = (request) =>
      request.path === '/' ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 };
    clock.advance(300_000);
    await drain();
    expect(receiver.requests.map((r) => r.path)).to.not.include('/elsewhere');
    const log = await attempts(subscription.id);
    expect(log.map((a) => [a.HttpStatus, a.ErrorClass])).to.deep.equal([
      [429, null],
      [null, 'timeout'],
      [502, null],
      [302, null],
    ]);
    expect(log[1]!.ElapsedMs).to.be.at.least(250);
    expect(log[2]!.ResponseBody).to.equal('x'.repeat(4000));

    const closed = await Receiver.start();
    const deadUrl = closed.url;
    await closed.close();
    const dead = await subscribe(deadUrl, ['lead.created']);
    await append(1, 'lead.created');
    await drain();
    expect((await attempts(dead.subscription.id)).map((a) => a.ErrorClass)).to.deep.equal(['refused']);
  });

  it('410 Gone disables the subscription at once and cancels what it had queued', async () => {
    const lines: string[] = [];
    const logger = winston.createLogger({
      transports: [new winston.transports.Console({ silent: true })],
    });
    logger.on('data', (info: { message: string }) => lines.push(info.message));
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 410, body: 'gone' });
    await append(1);
    await dispatcher({ logger }).drain();
    await append(2);
    expect(await dispatcher().drain()).to.equal(0);
    const stored = await subscriptions().get(subscription.id);
    expect(stored).to.include({ enabled: false });
    expect(stored!.disabledReason).to.match(/410 Gone/);
    expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(['failed']);
    expect(receiver.requests).to.have.length(1);
    expect(lines.some((line) => /subscription \d+ disabled: the endpoint answered 410 Gone/.test(line))).to.equal(true);
  });

  it('a subscription disabled while a request is in flight keeps nothing pending', async () => {
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 500 });
    await append(1);
    // The operator disables the subscription while the dispatcher is sending to it; the send fails.
    const { drain } = dispatcher({
      wrap: (sender) => ({
        send: async (request) => {
          await subscriptions().update(subscription.id, { enabled: false });
          return sender.send(request);
        },
      }),
    });
    await drain();
    const [row] = await deliveries(subscription.id);
    expect(row).to.include({ Status: 'cancelled', LastError: 'subscription disabled' });
    // Cancelled before its result came back: no attempt is logged for it.
    expect(await attempts(subscription.id)).to.deep.equal([]);
  });

  it('a subscription disabled through the API: its queued deliveries are dropped in memory, not sent', async () => {
    const { subscription } = await subscribe(receiver.url);
    await append(4);
    const made: TestDispatcher = dispatcher({
      options: { perSubscriptionInFlight: 1 },
      wrap: (sender) => ({
        send: async (request) => {
          if (receiver.requests.length === 0) {
            await subscriptions().update(subscription.id, { enabled: false });
            // The lease renewal finds the leases taken away.
            await made.dispatcher.keepLeases();
          }
          return sender.send(request);
        },
      }),
    });
    await made.drain();
    expect(receiver.requests).to.have.length(1);
    expect((await deliveries(subscription.id)).map((d) => [d.Status, d.LeaseOwner])).to.deep.equal(Array(4).fill(['cancelled', null]));
    expect(await attempts(subscription.id)).to.deep.equal([]);
    expect(made.dispatcher.heldCount).to.equal(0);
  });

  it('after a 410 nothing more is sent to the endpoint: what it had queued is cancelled in memory', async () => {
    const { subscription } = await subscribe(receiver.url);
    const other = await subscribe(`${receiver.url}/other`);
    receiver.reply = (request) => (request.path === '/' ? { status: 410, body: 'gone' } : { status: 200 });
    await append(6);
    await dispatcher({ options: { perSubscriptionInFlight: 1 } }).drain();
    expect(receiver.requests.filter((r) => r.path === '/')).to.have.length(1);
    expect(receiver.requests.filter((r) => r.path === '/other')).to.have.length(6);
    expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(['failed', ...Array(5).fill('cancelled')]);
    expect((await attempts(subscription.id)).map((a) => a.HttpStatus)).to.deep.equal([410]);
    expect((await deliveries(other.subscription.id)).map((d) => d.Status)).to.deep.equal(Array(6).fill('succeeded'));
  });

  it('stores any response as valid text: NUL, half an emoji at the cut and invalid UTF-8 stall no one', async () => {
    const healthy = await subscribe(`${receiver.url}/ok`);
    const nul = await subscribe(`${receiver.url}/nul`);
    const emoji = await subscribe(`${receiver.url}/emoji`);
    const bytes = await subscribe(`${receiver.url}/bytes`);
    receiver.reply = (request) => {
      if (request.path === '/nul') return { status: 500, body: 'error\0' };
      // The 4,000th character is the first half of the emoji.
      if (request.path === '/emoji') return { status: 200, body: `${'x'.repeat(3999)}\u{1F600}tail` };
      if (request.path === '/bytes') return { status: 200, body: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x61, 0x62, 0x63]) };
      return { status: 200, body: 'ok' };
    };
    await append(3);
    await dispatcher().drain();
    const bodyOf = async (id: number) => (await attempts(id)).map((a) => a.ResponseBody);
    expect(await bodyOf(healthy.subscription.id)).to.deep.equal(Array(3).fill('ok'));
    expect(await bodyOf(nul.subscription.id)).to.deep.equal(Array(3).fill('error\uFFFD'));
    expect(await bodyOf(emoji.subscription.id)).to.deep.equal(Array(3).fill('x'.repeat(3999)));
    expect(await bodyOf(bytes.subscription.id)).to.deep.equal(Array(3).fill('\uFFFD\uFFFD\uFFFD\uFFFDabc'));
    for (const { subscription } of [healthy, emoji, bytes]) {
      expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(Array(3).fill('succeeded'));
    }
    expect((await deliveries(nul.subscription.id)).map((d) => [d.Status, d.AttemptCount, d.LeaseOwner])).to.deep.equal(
      Array(3).fill(['pending', 1, null]),
    );
  });

  it('a batch the store refuses for one row is written row by row: that row without its body, the others as they are', async function () {
    if (suite.dialect === 'mssql' && (await isBabelfish(suite.db.db))) {
      // SQL Server's nvarchar keeps U+0000 (the case below checks it is stored there); Babelfish
      // refuses it inside OPENJSON with an unmapped error (33557097), which no SQL Server returns.
      console.log('      skipped on Babelfish: it refuses U+0000 in JSON text, which SQL Server stores');
      this.skip();
    }
    const good = await subscribe(`${receiver.url}/good`);
    const bad = await subscribe(`${receiver.url}/bad`);
    await append(2);
    const now = new Date();
    const owner = 'row-by-row';
    const claimed = await suite.db.dialect.delivery.claim(suite.db.db, {
      owner,
      limit: 10,
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      room: [],
      defaultRoom: 10,
    });
    expect(claimed).to.have.length(4);
    // A sender other than ours could hand back anything: here a NUL that PostgreSQL cannot store.
    const answer = (body: string): SendResult => ({
      httpStatus: 200,
      errorClass: null,
      error: null,
      responseBody: body,
      retryAfter: undefined,
      elapsedMs: 5,
    });
    const outcomes = claimed.map((c) => {
      const outcome = settleAttempt(c, answer('fine'), { retrySchedule: [1], retryWindowHours: 1, jitter: 0 }, now);
      return c.subscriptionId === bad.subscription.id ? { ...outcome, attempt: { ...outcome.attempt, b: 'bad\0body' } } : outcome;
    });
    const report = await writeResults(suite.db, { outcomes, cancels: [] }, { owner, now, failingCutoff: new Date(0) });
    expect(report.fault).to.equal(undefined);
    expect(report.dropped).to.deep.equal([]);
    expect((await attempts(good.subscription.id)).map((a) => a.ResponseBody)).to.deep.equal(['fine', 'fine']);
    const badBodies = (await attempts(bad.subscription.id)).map((a) => a.ResponseBody);
    expect(badBodies).to.have.length(2);
    if (suite.dialect === 'mssql' && report.withoutBody.length === 0) {
      // SQL Server's nvarchar keeps U+0000: nothing to refuse there.
      expect(badBodies).to.deep.equal(['bad\0body', 'bad\0body']);
    } else {
      expect(report.withoutBody).to.have.length(2);
      for (const body of badBodies) expect(body).to.match(/^\(response body not stored: .+\)$/);
    }
    for (const { subscription } of [good, bad]) {
      expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(['succeeded', 'succeeded']);
    }
  });

  it('a result write that keeps failing is logged once per outage, and the results are written when it ends', async () => {
    const lines: string[] = [];
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    logger.on('data', (info: { message: string }) => lines.push(info.message));
    const { subscription } = await subscribe(receiver.url);
    await append(2);
    // The attempt log refuses every write until the outage ends. On T-SQL a trigger does it:
    // Babelfish's sp_rename, once the instance has held other databases, renames a table back into
    // a schema name with the database prefixed twice, and the table is lost to the next test.
    const outage =
      suite.dialect === 'mssql'
        ? {
            start: `CREATE TRIGGER integration.AttemptLogAway ON integration.DeliveryAttempt AFTER INSERT AS THROW 50000, 'the attempt log is away', 1;`,
            end: 'DROP TRIGGER integration.AttemptLogAway',
          }
        : {
            start: 'ALTER TABLE integration."DeliveryAttempt" RENAME TO "DeliveryAttemptAway"',
            end: 'ALTER TABLE integration."DeliveryAttemptAway" RENAME TO "DeliveryAttempt"',
          };
    await sql.raw(outage.start).execute(suite.db.db);
    const { drain } = dispatcher({ logger });
    try {
      for (let i = 0; i < 3; i++) await drain();
      expect(receiver.requests).to.have.length(2);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/recording results\) unavailable/);
    } finally {
      await sql.raw(outage.end).execute(suite.db.db);
    }
    await drain();
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(/recording results\) available again/);
    expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(['succeeded', 'succeeded']);
    expect(receiver.requests).to.have.length(2);
  });

  it('a circuit pauses a dead endpoint while a healthy one keeps receiving', async () => {
    const healthy = await Receiver.start();
    try {
      const dead = await subscribe(`${receiver.url}/dead`);
      const alive = await subscribe(`${healthy.url}/alive`);
      receiver.reply = () => ({ status: 503, body: 'down' });
      await append(20);
      const {
        drain,
        dispatcher: d,
        clock,
      } = dispatcher({
        options: { perSubscriptionInFlight: 1, circuit: { failureThreshold: 3, openMs: 30_000, maxOpenMs: 60_000 } },
      });
      await drain();
      expect(healthy.requests).to.have.length(20);
      expect(receiver.requests).to.have.length(3);
      expect(d.circuitState(dead.subscription.id)).to.equal('open');
      expect(d.circuitState(alive.subscription.id)).to.equal('closed');
      // The paused endpoint's deliveries wait for the probe, with no attempt counted.
      const waiting = await deliveries(dead.subscription.id);
      expect(waiting.filter((w) => w.AttemptCount === 0)).to.have.length(17);
      expect(await d.claimOnce(), 'nothing is claimed while paused').to.equal(0);
      // After the pause one probe goes; it succeeds, the circuit closes and the backlog flows.
      receiver.reply = () => ({ status: 200, body: 'back' });
      clock.advance(30_000);
      // Only the probe is claimed: the claim took all 20 due and gave 19 back unsent, churn that held up
      // the claims of healthy endpoints.
      expect(await d.claimOnce(), 'claimed when the pause ended').to.equal(1);
      await d.settled();
      expect(receiver.requests).to.have.length(4);
      await drain();
      clock.advance(30_000);
      await drain();
      expect(d.circuitState(dead.subscription.id)).to.equal('closed');
      expect((await deliveries(dead.subscription.id)).every((w) => w.Status === 'succeeded')).to.equal(true);
    } finally {
      await healthy.close();
    }
  });

  it('holds at most a fifth of its room for one subscription, however many requests may go to it at once', async () => {
    const one = await subscribe(receiver.url);
    const other = await subscribe(receiver.url);
    await append(60);
    const made = dispatcher({ options: { maxInFlight: 50, batchSize: 50, perSubscriptionInFlight: 50 } });
    expect(await made.dispatcher.claimOnce()).to.equal(20);
    const held = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['SubscriptionId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('LeaseOwner', 'is not', null)
      .groupBy('SubscriptionId')
      .execute();
    expect(held.map((row) => [Number(row.SubscriptionId), Number(row.n)]).sort()).to.deep.equal(
      [
        [one.subscription.id, 10],
        [other.subscription.id, 10],
      ].sort(),
    );
    await made.drain();
  });

  it('two dispatchers on one store never send a delivery twice', async () => {
    await subscribe(receiver.url);
    await append(300);
    const one = dispatcher({ owner: 'one' });
    const two = dispatcher({ owner: 'two' });
    await Promise.all([one.drain(), two.drain()]);
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(ids).to.have.length(300);
    expect(new Set(ids).size).to.equal(300);
  });

  it("a killed dispatcher's leases expire and another completes its deliveries", async () => {
    const { subscription } = await subscribe(receiver.url);
    await append(5);
    // The first dispatcher claims and then hangs mid-send, as a killed process would.
    const hung: Sender = { send: () => new Promise(() => {}) };
    const first = testDispatcher(suite.db, { owner: 'killed', wrap: () => hung });
    expect(await first.dispatcher.claimOnce()).to.equal(5);
    const clock = new TestClock();
    const second = dispatcher({ owner: 'survivor', clock });
    expect(await second.drain()).to.equal(0);
    clock.advance(61_000);
    expect(await second.drain()).to.equal(5);
    expect((await deliveries(subscription.id)).map((d) => d.Status)).to.deep.equal(Array(5).fill('succeeded'));
    expect(receiver.requests).to.have.length(5);
  });

  it('refuses private and loopback targets in production, at send time', async () => {
    const lookup = async (host: string) => [{ address: host === 'rebind.example.com' ? '127.0.0.1' : '93.184.215.14', family: 4 }];
    const port = new URL(receiver.url).port;
    const targets = [
      `https://rebind.example.com:${port}/x`,
      `https://127.0.0.1:${port}/x`,
      `https://[::ffff:127.0.0.1]:${port}/x`,
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data',
      `http://public.example.com:${port}/x`,
    ];
    const made = [];
    for (const url of targets) made.push((await subscribe(url)).subscription.id);
    await append(1);
    await dispatcher({ config: { env: 'production' }, lookup }).drain();
    const classes = [];
    for (const id of made) classes.push((await attempts(id)).map((a) => a.ErrorClass)[0]);
    expect(classes).to.deep.equal(['ssrf_blocked', 'ssrf_blocked', 'ssrf_blocked', 'ssrf_blocked', 'ssrf_blocked', 'invalid_url']);
    expect(receiver.requests).to.have.length(0);
    // The delivery log says what kind of address a name led to, never which one.
    const [rebound] = await deliveries(made[0]!);
    expect(rebound!.LastError).to.equal('ssrf_blocked: rebind.example.com resolves to a loopback address');
  });

  it('disables a subscription whose every attempt has failed for 5 days', async () => {
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 500 });
    await append(1);
    const clock = new TestClock();
    const { drain } = dispatcher({ clock });
    await drain();
    clock.advance(3 * 86_400_000);
    await append(1);
    await drain();
    expect((await subscriptions().get(subscription.id))!.enabled).to.equal(true);
    clock.advance(2 * 86_400_000 + 60_000);
    await append(1);
    await drain();
    const stored = await subscriptions().get(subscription.id);
    expect(stored!.enabled).to.equal(false);
    expect(stored!.disabledReason).to.match(/failed for too long/);
    expect((await deliveries(subscription.id)).filter((d) => d.Status === 'pending')).to.have.length(0);
  });

  it('stops gracefully: no more claims, requests in flight finish, nothing left leased', async () => {
    const { subscription } = await subscribe(receiver.url);
    receiver.reply = () => ({ status: 200, body: 'ok', delayMs: 200 });
    await append(40);
    const made = testDispatcher(suite.db, { options: { perSubscriptionInFlight: 5, pollIntervalMs: 20 } });
    await made.dispatcher.start();
    while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await made.close();
    const sent = receiver.requests.length;
    const rows = await deliveries(subscription.id);
    expect(rows.filter((r) => r.LeaseOwner !== null)).to.deep.equal([]);
    const succeeded = rows.filter((r) => r.Status === 'succeeded').length;
    expect(succeeded).to.equal(sent);
    expect(succeeded).to.be.below(40);
    // What was given back is due now, for the next start or another instance.
    const rest = dispatcher();
    await rest.drain();
    expect((await deliveries(subscription.id)).every((r) => r.Status === 'succeeded')).to.equal(true);
    expect(receiver.requests).to.have.length(40);
  });

  it('resend and recover re-queue failed deliveries and fan out events a subscription never had', async () => {
    const since = new Date();
    await append(2);
    const { subscription } = await subscribe(receiver.url, ['client.created']);
    await append(1);
    receiver.reply = () => ({ status: 500 });
    const { drain } = dispatcher({ options: { retrySchedule: [] } });
    await drain();
    const [failed] = await deliveries(subscription.id);
    expect(failed!.Status).to.equal('failed');
    receiver.reply = () => ({ status: 200 });
    expect(await resendDelivery(suite.db, Number(failed!.DeliveryId), new Date())).to.equal(true);
    expect(await resendDelivery(suite.db, 999_999_999, new Date())).to.equal(false);
    await drain();
    expect((await deliveries(subscription.id)).map((d) => [d.Status, d.AttemptCount])).to.deep.equal([['succeeded', 1]]);
    const result = await recoverDeliveries(suite.db, subscription.id, since, new Date());
    expect(result).to.deep.equal({ requeued: 0, fannedOut: 2 });
    expect(await recoverDeliveries(suite.db, subscription.id, since, new Date())).to.deep.equal({
      requeued: 0,
      fannedOut: 0,
    });
    await drain();
    expect(receiver.requests.filter((r) => r.headers['x-webhook-attempt'] === '1')).to.have.length(4);
    expect((await deliveries(subscription.id)).every((d) => d.Status === 'succeeded')).to.equal(true);
  });
});
